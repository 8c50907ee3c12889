/**
 * An attestation token checked in the page against the server's /certs: the RS256 signature over
 * the token's own bytes with the key its kid names, then its time window and issuer. The verdict
 * is data for the page to show, never an exception.
 */
import { toArrayBuffer } from '@confide/core';
import { decodeJwt } from '../api/jwt.js';

export type TokenVerdict = 'valid' | 'malformed' | 'unsupported-algorithm' | 'unknown-key' | 'signature-invalid' | 'expired' | 'not-yet-valid' | 'wrong-issuer';

export interface TokenCheck {
  verdict: TokenVerdict;
  detail: string;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
}

interface Jwks {
  keys: Array<{ kid?: string; kty?: string; n?: string; e?: string }>;
}

/** `jwks` is what /certs answered; `issuer` the origin tokens of this server carry; `now` in seconds. */
export async function checkToken(token: string, jwks: Jwks, issuer: string, now: number): Promise<TokenCheck> {
  let decoded;
  try {
    decoded = decodeJwt(token);
  } catch (err) {
    return { verdict: 'malformed', detail: (err as Error).message };
  }
  const { header, payload } = decoded;
  if (header['alg'] !== 'RS256') return { verdict: 'unsupported-algorithm', detail: `alg ${String(header['alg'])}: this server signs RS256`, header, payload };
  const jwk = jwks.keys.find((k) => k.kid === header['kid']);
  if (!jwk || jwk.kty !== 'RSA' || !jwk.n || !jwk.e) return { verdict: 'unknown-key', detail: `no RSA key with kid ${String(header['kid'])} in /certs`, header, payload };
  const key = await crypto.subtle.importKey('jwk', { kty: 'RSA', n: jwk.n, e: jwk.e, alg: 'RS256', ext: true }, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
  const ok = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, toArrayBuffer(decoded.signature), new TextEncoder().encode(decoded.signingInput));
  if (!ok) return { verdict: 'signature-invalid', detail: `the signature does not verify with key ${String(header['kid'])}: the token was changed or signed by another key`, header, payload };
  const exp = payload['exp'];
  const nbf = payload['nbf'];
  if (typeof exp === 'number' && now >= exp) return { verdict: 'expired', detail: `expired at ${new Date(exp * 1000).toISOString()}`, header, payload };
  if (typeof nbf === 'number' && now < nbf) return { verdict: 'not-yet-valid', detail: `valid from ${new Date(nbf * 1000).toISOString()}`, header, payload };
  if (payload['iss'] !== issuer) return { verdict: 'wrong-issuer', detail: `iss is ${String(payload['iss'])}, this server is ${issuer}`, header, payload };
  return { verdict: 'valid', detail: `signed by key ${String(header['kid'])} of ${issuer}/certs, within its validity`, header, payload };
}
