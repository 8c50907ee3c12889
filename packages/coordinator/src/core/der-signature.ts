/**
 * ECDSA signatures as MarbleRun returns them (Go's ecdsa.SignASN1: a DER SEQUENCE of two
 * INTEGERs), converted from WebCrypto's IEEE P1363 r || s.
 */

function derInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  // A leading 1 bit would make the INTEGER negative: prefix a zero byte.
  const body = trimmed[0]! & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed;
  return Uint8Array.of(0x02, body.length, ...body);
}

/** DER ECDSA-Sig-Value of a P1363 signature (P-256 or P-384, short-form lengths suffice). */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  const half = signature.length / 2;
  const r = derInteger(signature.subarray(0, half));
  const s = derInteger(signature.subarray(half));
  return Uint8Array.of(0x30, r.length + s.length, ...r, ...s);
}
