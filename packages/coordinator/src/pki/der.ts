/**
 * The few DER encodings the coordinator writes itself: the marble leaf's to-be-signed part is
 * assembled from these on every activation, where @peculiar/x509's general-purpose ASN.1
 * builder costs several times the signature. The fixed extensions still come from the library.
 * Reading DER is @confide/evidence's DerReader, the one reader of the packages.
 */
import { concatBytes } from '@confide/core';
import { CoordinatorError } from '../errors.js';

export const DER = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  PRINTABLE_STRING: 0x13,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** [0] EXPLICIT, constructed (the certificate version). */
  CONTEXT_0: 0xa0,
  /** [3] EXPLICIT, constructed (the certificate extensions). */
  CONTEXT_3: 0xa3,
  /** GeneralName dNSName [2] IA5String, implicit. */
  SAN_DNS: 0x82,
  /** GeneralName iPAddress [7] OCTET STRING, implicit. */
  SAN_IP: 0x87,
} as const;

/** Length octets: short form below 128, else long form (up to 2^32 - 1). */
function lengthOf(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length > 4) throw new CoordinatorError('ERR_INTERNAL', 'DER element too long');
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One DER element: `tag`, then the length, then the parts concatenated. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = parts.length === 1 ? parts[0]! : concatBytes(...parts);
  return concatBytes(Uint8Array.of(tag), lengthOf(body.length), body);
}

/** An ASCII string's bytes (callers have checked the characters). */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0x7f;
  return out;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** RFC 5280 4.1.2.5: UTCTime for the years 1950-2049, GeneralizedTime otherwise; whole seconds, Z. */
export function derTime(date: Date): Uint8Array {
  const y = date.getUTCFullYear();
  const rest = pad2(date.getUTCMonth() + 1) + pad2(date.getUTCDate()) + pad2(date.getUTCHours()) + pad2(date.getUTCMinutes()) + pad2(date.getUTCSeconds()) + 'Z';
  if (y >= 1950 && y < 2050) return tlv(DER.UTC_TIME, ascii(pad2(y % 100) + rest));
  return tlv(DER.GENERALIZED_TIME, ascii(String(y).padStart(4, '0') + rest));
}

function derInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  // A leading 1 bit would make the INTEGER negative: prefix a zero byte.
  return tlv(DER.INTEGER, trimmed[0]! & 0x80 ? concatBytes(Uint8Array.of(0), trimmed) : trimmed);
}

/** DER ECDSA-Sig-Value (SEQUENCE of r and s) of a WebCrypto IEEE P1363 signature r || s. */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  const half = signature.length / 2;
  return tlv(DER.SEQUENCE, derInteger(signature.subarray(0, half)), derInteger(signature.subarray(half)));
}
