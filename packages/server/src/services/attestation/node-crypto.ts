/**
 * The evidence verifiers' crypto primitives on node:crypto. WebCrypto (the verifiers' default)
 * costs the event loop several times more per call on Node 20; here SHA-256 runs inline (a few
 * µs) and keys are built once per point. An ECDSA check runs inline when the caller says nothing
 * else is waiting (a lone request: handing it to libuv's pool and waking up for the answer takes
 * longer than the check), else on the pool through the callback form, so that concurrent
 * requests keep the event loop free.
 */
import { createPublicKey, hash, verify, type KeyObject } from 'node:crypto';
import type { VerifyCrypto } from '@confide/evidence';

/** DER SubjectPublicKeyInfo header of an uncompressed P-256 point (id-ecPublicKey, prime256v1, BIT STRING of 66 bytes). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const P256_POINT_BYTES = 65;
const MAX_KEYS = 256;
const keys = new Map<string, KeyObject>();

/** The KeyObject of an uncompressed P-256 point; undefined when it is not one. */
function p256Key(point: Uint8Array): KeyObject | undefined {
  if (point.length !== P256_POINT_BYTES) return undefined;
  const id = Buffer.from(point.buffer, point.byteOffset, point.byteLength).toString('latin1');
  let key = keys.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.concat([P256_SPKI_PREFIX, point]), format: 'der', type: 'spki' });
    } catch {
      // Not a point on the curve: nothing is cached, the signature simply does not verify.
      return undefined;
    }
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    keys.set(id, key);
  }
  return key;
}

export interface NodeVerifyCryptoOptions {
  /** True when a check may run on the event loop itself (nothing else is waiting); default never. */
  inline?: () => boolean;
}

/** SHA-256 and ECDSA P-256 verification for VerifyContext.crypto. */
export function nodeVerifyCrypto(options: NodeVerifyCryptoOptions = {}): VerifyCrypto {
  const inline = options.inline ?? (() => false);
  return {
    // The one-shot form: no Hash object per call (most inputs are a few hundred bytes).
    sha256: (data) => hash('sha256', data, 'buffer'),
    verifyP256: (point, signature, data) =>
      new Promise((resolve) => {
        const key = p256Key(point);
        if (key === undefined) return resolve(false);
        const keyInput = { key, dsaEncoding: 'ieee-p1363' } as const;
        try {
          if (inline()) resolve(verify('sha256', data, keyInput, signature));
          else verify('sha256', data, keyInput, signature, (err, ok) => resolve(!err && ok === true));
        } catch {
          resolve(false);
        }
      }),
  };
}
