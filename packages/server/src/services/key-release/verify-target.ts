/**
 * Verifies a release `target`: a JWT signed by a trusted issuer with an allowed asymmetric
 * algorithm, within its exp / nbf. Codes: ERR_KEY_RELEASE_TOKEN_INVALID,
 * ERR_KEY_RELEASE_TOKEN_EXPIRED, ERR_KEY_RELEASE_ISSUER_UNTRUSTED.
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '@confide/core';
import { KeyVaultError } from '@confide/keyvault';
import { findIssuer, type TrustedIssuer } from './trusted-issuers.js';

/** Asymmetric algorithms only: an HS* token would let anyone who knows the key mint one, and "none" proves nothing. */
export const RELEASE_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

/** Clock skew allowed on exp and nbf, as MAA's own relying parties allow. */
const CLOCK_TOLERANCE_SECONDS = 60;
/** A target larger than this is not an attestation token (MAA tokens are a few KiB). */
const MAX_TARGET_CHARS = 64 * 1024;

export interface VerifiedTarget {
  /** The token's `iss`, as it wrote it. */
  iss: string;
  claims: JWTPayload & Record<string, unknown>;
}

function invalid(message: string, cause?: unknown): KeyVaultError {
  return new KeyVaultError('ERR_KEY_RELEASE_TOKEN_INVALID', message, cause === undefined ? undefined : { cause });
}

export async function verifyReleaseTarget(target: unknown, issuers: readonly TrustedIssuer[], clock: Clock): Promise<VerifiedTarget> {
  if (typeof target !== 'string' || target.length === 0 || target.length > MAX_TARGET_CHARS) throw invalid('target must be a compact JWT');
  let iss: unknown;
  try {
    const header = decodeProtectedHeader(target);
    if (!(RELEASE_TOKEN_ALGORITHMS as readonly string[]).includes(String(header.alg))) throw invalid(`target token algorithm ${String(header.alg)} is not allowed (${RELEASE_TOKEN_ALGORITHMS.join(', ')})`);
    iss = decodeJwt(target).iss;
  } catch (err) {
    if (err instanceof KeyVaultError) throw err;
    throw invalid('target is not a JWT', err);
  }
  if (typeof iss !== 'string') throw invalid('target token has no iss');
  const issuer = findIssuer(issuers, iss);
  if (!issuer) throw new KeyVaultError('ERR_KEY_RELEASE_ISSUER_UNTRUSTED', `target token issuer ${iss} is not a trusted issuer`);
  try {
    const { payload } = await jwtVerify(
      target,
      async (header) => {
        const key = await issuer.keys(header);
        if (!key) throw invalid(`issuer ${iss} has no key ${String(header.kid)}`);
        return key;
      },
      { algorithms: [...RELEASE_TOKEN_ALGORITHMS], currentDate: clock.now(), clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ['exp'] },
    );
    return { iss, claims: payload as VerifiedTarget['claims'] };
  } catch (err) {
    if (err instanceof KeyVaultError) throw err;
    if (err instanceof errors.JWTExpired) throw new KeyVaultError('ERR_KEY_RELEASE_TOKEN_EXPIRED', 'target token is expired', { cause: err });
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'nbf') throw new KeyVaultError('ERR_KEY_RELEASE_TOKEN_EXPIRED', 'target token is not yet valid (nbf)', { cause: err });
    throw invalid(`target token does not verify: ${(err as Error).message}`, err);
  }
}
