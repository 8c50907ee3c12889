/** Checks the ECDSA P-256 signature Intel puts on TCB Info and QE Identity. */
import { ConfideError, fromHex, utf8 } from '@confide/core';
import type { SignedJson } from '../../collateral/types.js';

/** ECDSA P-256 r||s, 32 bytes each: the IEEE P1363 form WebCrypto verifies directly. */
const P256_SIGNATURE_BYTES = 64;

/**
 * Verifies `doc.signature` over the UTF-8 bytes of `doc.body` exactly as served.
 * Throws ERR_EVIDENCE_SIGNATURE_INVALID; ERR_COLLATERAL_MALFORMED when the signature is not 64 bytes of hex.
 */
export async function verifySignedJson(doc: SignedJson, key: CryptoKey, name: string): Promise<void> {
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
  let ok: boolean;
  try {
    ok = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
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
