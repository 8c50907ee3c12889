/** Checks the ECDSA P-256 signature Intel puts on TCB Info and QE Identity. */
import { ConfideError, fromHex, utf8 } from '@confide/core';
import type { SignedJson } from '../../collateral/types.js';
import type { VerifyCrypto } from '../../types.js';
import { webCryptoPrimitives } from '../../webcrypto/p256.js';
import { remember, sameBytes } from '../../memo/cache.js';

/** ECDSA P-256 r||s, 32 bytes each: the IEEE P1363 form WebCrypto verifies directly. */
const P256_SIGNATURE_BYTES = 64;

// Documents whose signature verified, by the signature text; a hit needs the same key point and
// the same body text. The same TCB Info and QE Identity come with every quote of a platform.
const MAX_VERIFIED = 64;
const verified = new Map<string, { point: Uint8Array; body: string }>();

/**
 * Verifies `doc.signature` over the UTF-8 bytes of `doc.body` exactly as served, under a
 * CryptoKey or an uncompressed P-256 point (`primitives`, default WebCrypto, verify with the
 * point; a document that verified before under the same point is not checked again).
 * Throws ERR_EVIDENCE_SIGNATURE_INVALID; ERR_COLLATERAL_MALFORMED when the signature is not 64 bytes of hex.
 */
export async function verifySignedJson(doc: SignedJson, key: CryptoKey | Uint8Array, name: string, primitives?: VerifyCrypto): Promise<void> {
  const point = key instanceof Uint8Array ? key : undefined;
  if (point) {
    const hit = verified.get(doc.signature);
    if (hit && hit.body === doc.body && sameBytes(hit.point, point)) return;
  }
  let signature: Uint8Array;
  try {
    signature = fromHex(doc.signature);
  } catch (cause) {
    throw new ConfideError('ERR_COLLATERAL_MALFORMED', `${name} signature is not hex`, { cause, details: { item: name } });
  }
  if (signature.length !== P256_SIGNATURE_BYTES) {
    throw new ConfideError('ERR_COLLATERAL_MALFORMED', `${name} signature is not ${P256_SIGNATURE_BYTES} bytes`, {
      details: { item: name },
    });
  }
  if (point) {
    const entry = { point: point.slice(), body: doc.body };
    const ok = await (primitives ?? webCryptoPrimitives).verifyP256(entry.point, signature, utf8(entry.body));
    if (ok !== true) throw new ConfideError('ERR_EVIDENCE_SIGNATURE_INVALID', `${name} signature does not verify`, { details: { item: name } });
    remember(verified, doc.signature, entry, MAX_VERIFIED);
    return;
  }
  let ok: boolean;
  try {
    ok = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key as CryptoKey,
      signature as Uint8Array<ArrayBuffer>,
      utf8(doc.body) as Uint8Array<ArrayBuffer>,
    );
  } catch (cause) {
    // A key of the wrong type or curve cannot have made this signature.
    throw new ConfideError('ERR_EVIDENCE_SIGNATURE_INVALID', `${name} signature cannot be checked with the TCB signing key`, {
      cause,
      details: { item: name },
    });
  }
  if (!ok) {
    throw new ConfideError('ERR_EVIDENCE_SIGNATURE_INVALID', `${name} signature does not verify`, { details: { item: name } });
  }
}
