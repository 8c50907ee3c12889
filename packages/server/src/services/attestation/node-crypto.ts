/**
 * The evidence verifiers' crypto primitives on node:crypto. WebCrypto (the verifiers' default)
 * costs the event loop several times more per call on Node 20; here digests run inline (a few
 * µs) and keys are built once per point or modulus. An ECDSA check runs inline when the caller
 * says nothing else is waiting (a lone request: handing it to libuv's pool and waking up for the
 * answer takes longer than the check), else on the pool through the callback form, so that
 * concurrent requests keep the event loop free. An RSA check always goes to the pool: the
 * verifier that makes them (TPM quotes and AK chains) replays an event log meanwhile, and a
 * lone request then finishes sooner with the check on another core.
 */
import { constants, createPublicKey, verify, type KeyObject, type VerifyKeyObjectInput, type VerifyPublicKeyInput } from 'node:crypto';
import type { RsaPublicKey, RsaVerifyParams, SyncDigestName, VerifyCrypto } from '@confide/evidence';
import { hashBytes } from '../../node-hash.js';

/** DER SubjectPublicKeyInfo header of an uncompressed P-256 point (id-ecPublicKey, prime256v1, BIT STRING of 66 bytes). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const P256_POINT_BYTES = 65;
const MAX_KEYS = 256;
const keys = new Map<string, KeyObject>();
const rsaKeys = new Map<string, KeyObject>();
/** node:crypto's names of the hashes WebCrypto names. */
const NODE_HASH: Record<SyncDigestName, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

/** Remembers `key` under `id`, dropping the oldest key first when `map` is full. */
function keep(map: Map<string, KeyObject>, id: string, key: KeyObject): void {
  if (map.size >= MAX_KEYS) map.delete(map.keys().next().value!);
  map.set(id, key);
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** The KeyObject of an uncompressed P-256 point; undefined when it is not one. */
function p256Key(point: Uint8Array): KeyObject | undefined {
  if (point.length !== P256_POINT_BYTES) return undefined;
  const id = latin1(point);
  let key = keys.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.concat([P256_SPKI_PREFIX, point]), format: 'der', type: 'spki' });
    } catch {
      // Not a point on the curve: nothing is cached, the signature simply does not verify.
      return undefined;
    }
    keep(keys, id, key);
  }
  return key;
}

/** The KeyObject of an RSA modulus and exponent; undefined when node:crypto cannot use them. */
function rsaKey({ n, e }: RsaPublicKey): KeyObject | undefined {
  // The modulus's length first, so that no (n, e) pair reads as another.
  const id = `${n.length}:${latin1(n)}${latin1(e)}`;
  let key = rsaKeys.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: { kty: 'RSA', n: Buffer.from(n).toString('base64url'), e: Buffer.from(e).toString('base64url') }, format: 'jwk' });
    } catch {
      return undefined;
    }
    keep(rsaKeys, id, key);
  }
  return key;
}

/** node:crypto's key input for a WebCrypto RSA scheme: the padding, and PSS's exact salt length. */
function rsaInput(key: KeyObject, params: RsaVerifyParams): VerifyKeyObjectInput {
  if (params.name === 'RSA-PSS') return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength };
  return { key, padding: constants.RSA_PKCS1_PADDING };
}

/** A signature check inline or on libuv's pool; false for a signature node:crypto cannot read, never a rejection. */
function check(inline: boolean, algorithm: string, data: Uint8Array, key: VerifyKeyObjectInput | VerifyPublicKeyInput, signature: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      if (inline) resolve(verify(algorithm, data, key, signature));
      else verify(algorithm, data, key, signature, (err, ok) => resolve(!err && ok === true));
    } catch {
      resolve(false);
    }
  });
}

export interface NodeVerifyCryptoOptions {
  /** True when a check may run on the event loop itself (nothing else is waiting); default never. */
  inline?: () => boolean;
}

/** SHA digests, ECDSA P-256 and RSA verification for VerifyContext.crypto. */
export function nodeVerifyCrypto(options: NodeVerifyCryptoOptions = {}): VerifyCrypto {
  const inline = options.inline ?? (() => false);
  return {
    // The one-shot form: no Hash object per call (most inputs are a few hundred bytes), read from its string (node-hash.ts).
    sha256: (data) => hashBytes('sha256', data),
    digestSync: (name, data) => hashBytes(NODE_HASH[name], data),
    verifyP256: (point, signature, data) => {
      const key = p256Key(point);
      return key === undefined ? Promise.resolve(false) : check(inline(), 'sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    },
    verifyRsa: (publicKey, params, signature, data) => {
      const key = rsaKey(publicKey);
      // RFC 8017 (8.1.2 and 8.2.2, step 1): a signature is exactly as long as the modulus. OpenSSL
      // reads a shorter PSS one as the same number, so one whose first byte was zero would pass cut.
      const bits = key?.asymmetricKeyDetails?.modulusLength;
      if (key === undefined || bits === undefined || signature.length !== Math.ceil(bits / 8)) return Promise.resolve(false);
      return check(false, NODE_HASH[params.hash], data, rsaInput(key, params), signature);
    },
  };
}
