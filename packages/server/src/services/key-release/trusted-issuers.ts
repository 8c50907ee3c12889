/**
 * The issuers whose attestation tokens a key release accepts, each with the keys that verify its
 * tokens: this server's own attestation service (always), and the issuers the configuration adds
 * by JWKS URL or certificate. The issuer is read from the token before its signature is checked,
 * but only to choose the keys that must then verify it.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, type JWTHeaderParameters } from 'jose';
import { normalizeAuthority } from '@confide/policy';
import type { MaaJwks } from '../attestation/tokens/index.js';

/** Finds the key for a token header; undefined when the issuer has no key of that kid. */
export type IssuerKeys = (header: JWTHeaderParameters) => Promise<KeyObject | CryptoKey | undefined>;

export interface TrustedIssuer {
  /** As configured; matched after normalizeAuthority. */
  issuer: string;
  keys: IssuerKeys;
}

/** How long the own issuer's keys are used before /certs is re-read (a miss on a kid re-reads at once). */
const OWN_KEYS_TTL_MS = 60_000;

/** This server's attestation service: its published keys by kid, re-read on a miss or after a minute. */
export function ownIssuer(issuer: () => string, jwks: () => Promise<MaaJwks>, now: () => number = Date.now): TrustedIssuer {
  let byKid = new Map<string, KeyObject>();
  let loadedAt = -Infinity;
  const reload = async (): Promise<void> => {
    const next = new Map<string, KeyObject>();
    for (const k of (await jwks()).keys) next.set(k.kid, byKid.get(k.kid) ?? createPublicKey({ key: { kty: 'RSA', n: k.n, e: k.e }, format: 'jwk' }));
    byKid = next;
    loadedAt = now();
  };
  return {
    get issuer() {
      return issuer();
    },
    async keys(header) {
      if (typeof header.kid !== 'string') return undefined;
      if (now() - loadedAt > OWN_KEYS_TTL_MS || !byKid.has(header.kid)) await reload();
      return byKid.get(header.kid);
    },
  };
}

/** An issuer whose keys are fetched from its JWKS URL (jose caches them and refetches on an unknown kid). */
export function jwksIssuer(issuer: string, jwksUrl: URL): TrustedIssuer {
  const set = createRemoteJWKSet(jwksUrl);
  return {
    issuer,
    async keys(header) {
      try {
        return await set(header);
      } catch {
        return undefined;
      }
    },
  };
}

/** An issuer with one fixed key (a certificate's): every token of that issuer must verify with it. */
export function keyIssuer(issuer: string, key: KeyObject): TrustedIssuer {
  return { issuer, keys: async () => key };
}

/** The trusted issuer that `iss` names, if any. */
export function findIssuer(issuers: readonly TrustedIssuer[], iss: string): TrustedIssuer | undefined {
  const wanted = normalizeAuthority(iss);
  return issuers.find((i) => normalizeAuthority(i.issuer) === wanted);
}
