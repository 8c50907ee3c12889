import { webcrypto } from 'node:crypto';
import { toHex } from '@confide/core';

/** 128 random bits as a positive DER INTEGER, in hex. */
export function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive, and no leading zero byte to strip
  return toHex(bytes);
}
