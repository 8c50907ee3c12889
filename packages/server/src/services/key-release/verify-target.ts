/**
 * Verifies a release `target`: a JWT signed by a trusted issuer with an allowed asymmetric
 * algorithm, within its exp / nbf. The signature is checked with node:crypto over the token's
 * bytes as sent (jws-signature.ts); the claims are checked as jose's jwtVerify checks them (exp
 * required, exp / nbf / iat numbers, 60 s of clock tolerance); a header with `crit` or `b64` is
 * refused, as no extension is understood. Codes: ERR_KEY_RELEASE_TOKEN_INVALID,
 * ERR_KEY_RELEASE_TOKEN_EXPIRED, ERR_KEY_RELEASE_ISSUER_UNTRUSTED.
 */
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import type { Clock } from '@confide/core';
import { KeyVaultError } from '@confide/keyvault';
import { keyMismatch, keyObjectOf, RELEASE_TOKEN_SPECS, verifyJwsSignature, type ReleaseTokenAlgorithm } from './jws-signature.js';
import { findIssuer, type TrustedIssuer } from './trusted-issuers.js';

/** Asymmetric algorithms only: an HS* token would let anyone who knows the key mint one, and "none" proves nothing. */
export const RELEASE_TOKEN_ALGORITHMS = Object.keys(RELEASE_TOKEN_SPECS) as readonly ReleaseTokenAlgorithm[];

/** Clock skew allowed on exp and nbf, as MAA's own relying parties allow. */
const CLOCK_TOLERANCE_SECONDS = 60;
/** A target larger than this is not an attestation token (MAA tokens are a few KiB). */
const MAX_TARGET_CHARS = 64 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface VerifiedTarget {
  /** The token's `iss`, as it wrote it. */
  iss: string;
  claims: JWTPayload & Record<string, unknown>;
}

function invalid(message: string, cause?: unknown): KeyVaultError {
  return new KeyVaultError('ERR_KEY_RELEASE_TOKEN_INVALID', message, cause === undefined ? undefined : { cause });
}

function expired(message: string): KeyVaultError {
  return new KeyVaultError('ERR_KEY_RELEASE_TOKEN_EXPIRED', message);
}

/** A JSON object from a base64url part; undefined for anything else. */
function jsonObject(part: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function checkTimes(claims: Record<string, unknown>, clock: Clock): void {
  const now = Math.floor(clock.now().getTime() / 1000);
  for (const name of ['exp', 'nbf', 'iat']) {
    if (claims[name] !== undefined && typeof claims[name] !== 'number') throw invalid(`target token "${name}" claim must be a number`);
  }
  if (claims['exp'] === undefined) throw invalid('target token has no "exp" claim');
  if ((claims['exp'] as number) <= now - CLOCK_TOLERANCE_SECONDS) throw expired('target token is expired');
  if (claims['nbf'] !== undefined && (claims['nbf'] as number) > now + CLOCK_TOLERANCE_SECONDS) throw expired('target token is not yet valid (nbf)');
}

export async function verifyReleaseTarget(target: unknown, issuers: readonly TrustedIssuer[], clock: Clock): Promise<VerifiedTarget> {
  if (typeof target !== 'string' || target.length === 0 || target.length > MAX_TARGET_CHARS) throw invalid('target must be a compact JWT');
  const parts = target.split('.');
  const header = parts.length === 3 ? jsonObject(parts[0]!) : undefined;
  const claims = header ? jsonObject(parts[1]!) : undefined;
  if (!header || !claims || !BASE64URL.test(parts[2]!)) throw invalid('target is not a JWT');
  const alg = header['alg'];
  if (typeof alg !== 'string' || !Object.hasOwn(RELEASE_TOKEN_SPECS, alg)) throw invalid(`target token algorithm ${String(alg)} is not allowed (${RELEASE_TOKEN_ALGORITHMS.join(', ')})`);
  if (header['crit'] !== undefined || header['b64'] !== undefined) throw invalid('target token header names an extension (crit, b64) that is not understood');
  const iss = claims['iss'];
  if (typeof iss !== 'string') throw invalid('target token has no iss');
  const issuer = findIssuer(issuers, iss);
  if (!issuer) throw new KeyVaultError('ERR_KEY_RELEASE_ISSUER_UNTRUSTED', `target token issuer ${iss} is not a trusted issuer`);
  const found = await issuer.keys(header as JWTHeaderParameters);
  if (!found) throw invalid(`issuer ${iss} has no key ${String(header['kid'])}`);
  const key = keyObjectOf(found);
  const mismatch = keyMismatch(alg as ReleaseTokenAlgorithm, key);
  if (mismatch) throw invalid(`target token does not verify: ${mismatch}`);
  const signingInput = Buffer.from(target.slice(0, parts[0]!.length + 1 + parts[1]!.length), 'ascii');
  if (!verifyJwsSignature(alg as ReleaseTokenAlgorithm, key, signingInput, Buffer.from(parts[2]!, 'base64url'))) throw invalid('target token does not verify: signature verification failed');
  checkTimes(claims, clock);
  return { iss, claims: claims as VerifiedTarget['claims'] };
}
