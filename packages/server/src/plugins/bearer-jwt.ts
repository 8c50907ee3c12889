/**
 * Verifies bearer JWTs against a configured public key or a remote JWKS (cached, refetched when
 * an unknown kid shows up, at most once per cooldown). Asymmetric algorithms only: `none` and
 * HMAC are refused, so a published key can never act as a shared secret.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { ConfideError, fromBase64, systemClock, type Clock } from '@confide/core';
import { JWS_ALGORITHMS, keyFitsAlgorithm, verifyJwsSignature } from '../services/attestation/admin/jws-signature.js';

export interface JwtVerifierOptions {
  jwksUrl?: string | undefined;
  publicKey?: KeyObject | undefined;
  /** Required `iss` when set. */
  issuer?: string | undefined;
  /** Required `aud` (a string or one of an array) when set. */
  audience?: string | undefined;
  /** Slack for exp and nbf (default 30 s). */
  clockToleranceSeconds?: number | undefined;
  clock?: Clock | undefined;
  fetch?: typeof fetch | undefined;
  /** How long a fetched JWKS is used before it is fetched again (default 600 s). */
  jwksCacheSeconds?: number | undefined;
  /** Least time between two fetches caused by unknown kids (default 30 s). */
  jwksCooldownSeconds?: number | undefined;
}

interface Jwk {
  kid: string | undefined;
  key: KeyObject;
}

function refused(message: string): ConfideError {
  return new ConfideError('ERR_UNAUTHENTICATED', `bearer token refused: ${message}`);
}

function decodeJson(part: string, name: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64(part)));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw refused(`the JWT ${name} is not a base64url JSON object`);
}

function parseJwks(body: unknown): Jwk[] {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new ConfideError('ERR_SERVICE_UNAVAILABLE', 'the bearer-token JWKS has no keys array');
  const out: Jwk[] = [];
  for (const jwk of keys as Array<Record<string, unknown>>) {
    if (jwk === null || typeof jwk !== 'object' || jwk['use'] === 'enc') continue;
    try {
      // Only public members go to the import, so a JWKS that leaks a private member still yields a public key.
      const { kty, crv, n, e, x, y } = jwk;
      const key = createPublicKey({ key: { kty, crv, n, e, x, y } as JsonWebKey, format: 'jwk' });
      out.push({ kid: typeof jwk['kid'] === 'string' ? jwk['kid'] : undefined, key });
    } catch {
      // A key this runtime cannot import is skipped; the others still serve.
    }
  }
  return out;
}

/** A verifier; resolves to the JWT claims. Throws ERR_UNAUTHENTICATED, or ERR_SERVICE_UNAVAILABLE when the JWKS cannot be fetched. */
export function createJwtVerifier(options: JwtVerifierOptions): (token: string) => Promise<Record<string, unknown>> {
  if (!options.jwksUrl && !options.publicKey) throw new ConfideError('ERR_CONFIG_INVALID', 'a JWT verifier needs a JWKS URL or a public key');
  const clock = options.clock ?? systemClock;
  const tolerance = options.clockToleranceSeconds ?? 30;
  const doFetch = options.fetch ?? fetch;
  const cacheMs = (options.jwksCacheSeconds ?? 600) * 1000;
  const cooldownMs = (options.jwksCooldownSeconds ?? 30) * 1000;
  let cached: { keys: Jwk[]; at: number } | undefined;
  let inFlight: Promise<Jwk[]> | undefined;

  async function fetchJwks(url: string): Promise<Jwk[]> {
    let res: Response;
    try {
      res = await doFetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new ConfideError('ERR_SERVICE_UNAVAILABLE', `the bearer-token JWKS ${url} cannot be fetched`, { cause: err });
    }
    if (!res.ok) throw new ConfideError('ERR_SERVICE_UNAVAILABLE', `the bearer-token JWKS ${url} answered HTTP ${res.status}`);
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      throw new ConfideError('ERR_SERVICE_UNAVAILABLE', `the bearer-token JWKS ${url} is not JSON`, { cause: err });
    }
    const keys = parseJwks(body);
    cached = { keys, at: clock.now().getTime() };
    return keys;
  }

  function refresh(url: string): Promise<Jwk[]> {
    inFlight ??= fetchJwks(url).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  async function candidates(kid: string | undefined, alg: string): Promise<KeyObject[]> {
    const out: KeyObject[] = [];
    if (options.publicKey) out.push(options.publicKey);
    const url = options.jwksUrl;
    if (url) {
      const age = (): number => (cached ? clock.now().getTime() - cached.at : Infinity);
      let keys = cached && age() < cacheMs ? cached.keys : await refresh(url);
      const match = (k: Jwk): boolean => (kid === undefined || k.kid === kid) && keyFitsAlgorithm(alg, k.key);
      if (!keys.some(match) && age() >= cooldownMs) keys = await refresh(url);
      out.push(...keys.filter(match).map((k) => k.key));
    }
    return out.filter((k) => keyFitsAlgorithm(alg, k));
  }

  return async (token) => {
    const parts = token.split('.');
    if (parts.length !== 3) throw refused('not a compact JWT');
    const [h, p, s] = parts as [string, string, string];
    const header = decodeJson(h, 'header');
    const alg = header['alg'];
    if (typeof alg !== 'string' || !JWS_ALGORITHMS.includes(alg)) throw refused(`algorithm ${String(alg)} is not accepted`);
    const kid = typeof header['kid'] === 'string' ? header['kid'] : undefined;
    let signature: Uint8Array;
    try {
      signature = fromBase64(s);
    } catch {
      throw refused('the signature is not base64url');
    }
    const keys = await candidates(kid, alg);
    if (keys.length === 0) throw refused(`no configured key fits kid ${kid ?? '(none)'} and ${alg}`);
    const checks = await Promise.all(keys.map((k) => verifyJwsSignature(alg, k, `${h}.${p}`, signature)));
    if (!checks.includes(true)) throw refused('the signature does not verify');

    const claims = decodeJson(p, 'payload');
    const now = Math.floor(clock.now().getTime() / 1000);
    if (typeof claims['exp'] !== 'number') throw refused('the JWT has no exp');
    if (now - tolerance >= claims['exp']) throw refused('the JWT has expired');
    if (typeof claims['nbf'] === 'number' && now + tolerance < claims['nbf']) throw refused('the JWT is not yet valid');
    if (options.issuer !== undefined && claims['iss'] !== options.issuer) throw refused('unexpected issuer');
    if (options.audience !== undefined) {
      const aud = claims['aud'];
      const list = Array.isArray(aud) ? aud : [aud];
      if (!list.includes(options.audience)) throw refused('unexpected audience');
    }
    return claims;
  };
}
