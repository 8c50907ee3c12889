/** Test helpers for the token service: a movable clock and a JWT verifier written only against node:crypto. */
import { createHash, createPublicKey, verify, X509Certificate } from 'node:crypto';
import type { Clock } from '@confide/core';

export interface MovableClock extends Clock {
  set(at: Date | number): void;
  advance(ms: number): void;
}

export function movableClock(start: Date): MovableClock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (at) => {
      t = typeof at === 'number' ? at : at.getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export interface Jwks {
  keys: Array<{ kty: string; kid: string; x5c: string[]; n?: string; e?: string }>;
}

/**
 * Verifies an RS256 compact JWT the way the Azure SDK does (key by kid, signature checked with
 * the first x5c certificate) and also with the JWK n/e, then checks nbf/exp at `nowSec`.
 * Returns the payload or throws.
 */
export function verifyJwt(token: string, jwks: Jwks, nowSec: number): Record<string, unknown> {
  const [h, p, s, extra] = token.split('.');
  if (h === undefined || p === undefined || s === undefined || extra !== undefined) throw new Error('not a compact JWS');
  const header = decodePart(h);
  if (header.alg !== 'RS256') throw new Error(`alg ${String(header.alg)}`);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`no key ${String(header.kid)}`);
  const der = Buffer.from(jwk.x5c[0]!, 'base64');
  if (createHash('sha256').update(der).digest('base64') !== jwk.kid) throw new Error('kid is not the certificate thumbprint');
  const input = Buffer.from(`${h}.${p}`, 'ascii');
  const signature = Buffer.from(s, 'base64url');
  if (!verify('sha256', input, new X509Certificate(der).publicKey, signature)) throw new Error('x5c signature check failed');
  const fromJwk = createPublicKey({ key: { kty: 'RSA', n: jwk.n!, e: jwk.e! }, format: 'jwk' });
  if (!verify('sha256', input, fromJwk, signature)) throw new Error('n/e signature check failed');
  const payload = decodePart(p);
  if (typeof payload.nbf === 'number' && nowSec < payload.nbf) throw new Error('not yet valid');
  if (typeof payload.exp === 'number' && nowSec >= payload.exp) throw new Error('expired');
  return payload;
}
