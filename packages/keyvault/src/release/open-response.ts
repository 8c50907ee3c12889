/**
 * What a workload does with a release response: checks the JWS (RS256 by the certificate in its
 * x5c, that certificate's x5t#S256, and optionally that it is or was issued by an expected
 * signer), then unwraps key_hsm with its transfer key and checks the unwrapped private key
 * belongs to the public key the response names. Codes: ERR_KEY_RELEASE_RESPONSE_INVALID,
 * ERR_KEY_RELEASE_UNWRAP_FAILED.
 */
import { createHash, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { KeyVaultError } from '../errors.js';
import { keyFamily, KEY_TYPES, type KeyFamily, type KeyType } from '../model/key-types.js';
import type { PrivateJwk } from '../model/key-version.js';
import { decodeKeyHsm } from './key-hsm.js';
import { jwkOfReleaseMaterial } from './material.js';
import { unwrapRelease } from './wrap.js';
import type { ReleaseEnc } from './enc.js';

export interface OpenedRelease {
  /** The released key's kid (the vault's key identifier). */
  kid: string;
  kty: KeyType;
  enc: ReleaseEnc;
  /** The released private key. */
  jwk: PrivateJwk;
  /** The certificate that signed the response (x5c[0]). */
  signer: X509Certificate;
}

function invalid(message: string, cause?: unknown): KeyVaultError {
  return new KeyVaultError('ERR_KEY_RELEASE_RESPONSE_INVALID', `release response: ${message}`, cause === undefined ? undefined : { cause });
}

function json(part: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch (cause) {
    throw invalid(`the ${what} is not base64url JSON`, cause);
  }
  throw invalid(`the ${what} is not a JSON object`);
}

function checkSigner(cert: X509Certificate, expected: X509Certificate | undefined): void {
  if (!expected) return;
  if (cert.raw.equals(expected.raw)) return;
  if (cert.checkIssued(expected) && cert.verify(expected.publicKey)) return;
  throw invalid('x5c[0] is neither the expected signer certificate nor issued by it');
}

function assertSameKey(family: KeyFamily, jwk: PrivateJwk, pub: Record<string, unknown>): void {
  const same =
    family === 'RSA' ? jwk.kty === 'RSA' && jwk.n === pub['n'] && jwk.e === pub['e'] : family === 'EC' ? jwk.kty === 'EC' && jwk.x === pub['x'] && jwk.y === pub['y'] : true;
  if (!same) throw invalid('the unwrapped private key is not the key the response names');
}

/** Checks and unwraps a release response: `{"value": JWS}` text or the JWS itself. */
export function openReleaseResponse(response: string, transferPrivateKey: KeyObject, options: { signer?: X509Certificate | undefined } = {}): OpenedRelease {
  let jws = response.trim();
  if (jws.startsWith('{')) {
    try {
      jws = String((JSON.parse(jws) as { value?: unknown }).value ?? '');
    } catch (cause) {
      throw invalid('not JSON with a value member', cause);
    }
  }
  const parts = jws.split('.');
  if (parts.length !== 3) throw invalid('not a compact JWS');
  const [h, p, s] = parts as [string, string, string];
  const header = json(h, 'header');
  if (header['alg'] !== 'RS256') throw invalid(`alg ${String(header['alg'])} is not RS256`);
  const x5c = header['x5c'];
  if (!Array.isArray(x5c) || typeof x5c[0] !== 'string') throw invalid('the header has no x5c');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(x5c[0], 'base64'));
  } catch (cause) {
    throw invalid('x5c[0] is not a certificate', cause);
  }
  if (header['x5t#S256'] !== undefined && header['x5t#S256'] !== createHash('sha256').update(cert.raw).digest('base64url')) throw invalid('x5t#S256 is not the thumbprint of x5c[0]');
  if (!verify('sha256', Buffer.from(`${h}.${p}`, 'ascii'), cert.publicKey, Buffer.from(s, 'base64url'))) throw invalid('the signature does not verify with x5c[0]');
  checkSigner(cert, options.signer);
  const payload = json(p, 'payload');
  const key = ((payload['response'] as Record<string, unknown> | undefined)?.['key'] as Record<string, unknown> | undefined)?.['key'] as Record<string, unknown> | undefined;
  if (!key || typeof key['key_hsm'] !== 'string' || !(KEY_TYPES as readonly unknown[]).includes(key['kty'])) throw invalid('the payload has no response.key.key with kty and key_hsm');
  const kty = key['kty'] as KeyType;
  const blob = decodeKeyHsm(key['key_hsm']);
  const family = keyFamily(kty);
  let jwk: PrivateJwk;
  try {
    jwk = jwkOfReleaseMaterial(family, unwrapRelease(blob.enc, transferPrivateKey, blob.ciphertext));
  } catch (cause) {
    if (cause instanceof KeyVaultError) throw cause;
    throw new KeyVaultError('ERR_KEY_RELEASE_UNWRAP_FAILED', `the unwrapped material is not a ${family} key`, { cause });
  }
  assertSameKey(family, jwk, key);
  return { kid: typeof key['kid'] === 'string' ? key['kid'] : '', kty, enc: blob.enc, jwk, signer: cert };
}
