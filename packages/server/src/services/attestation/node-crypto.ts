/**
 * The evidence verifiers' crypto primitives on node:crypto. WebCrypto (the verifiers' default)
 * costs the event loop several times more per call on Node 20; here SHA-256 runs inline (a few
 * µs) and ECDSA verification runs on libuv's pool through the callback form. Keys are built
 * once per point.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
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

/** SHA-256 and ECDSA P-256 verification for VerifyContext.crypto. */
export const nodeVerifyCrypto: VerifyCrypto = {
  sha256: (data) => createHash('sha256').update(data).digest(),
  verifyP256: (point, signature, data) =>
    new Promise((resolve) => {
      const key = p256Key(point);
      if (key === undefined) return resolve(false);
      try {
        if (process.env['TMP_SYNC_VERIFY']) return resolve(verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature));
        verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature, (err, ok) => resolve(!err && ok === true));
      } catch {
        resolve(false);
      }
    }),
};
