/**
 * MarbleRun's MarbleType certificate extension (coordinator/oid/oid.go `MarbleType`,
 * 1.3.9903.2.1): the extension value is the type name's bytes, not a DER string. Both kinds of
 * marble certificate carry it, so a marble proves its type to the client API with its
 * certificate alone (the monotonic counter, clientapi.go VerifyMarble).
 */
import { DER, tlv } from './der.js';

export const MARBLE_TYPE_OID = '1.3.9903.2.1';
const MARBLE_TYPE_OID_DER = Uint8Array.of(0x06, 0x05, 0x2b, 0xcd, 0x2f, 0x02, 0x01);

/** The extension (not critical) naming `marbleType`. */
export function marbleTypeExtension(marbleType: string): Uint8Array {
  return tlv(DER.SEQUENCE, MARBLE_TYPE_OID_DER, tlv(DER.OCTET_STRING, new TextEncoder().encode(marbleType)));
}
