/**
 * CRLs arrive as DER, PEM, or hex text of DER (dcap-qvl JSON, some PCCS versions). All become DER.
 */
import { fromHex, fromUtf8 } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { collateralPemBlocks } from './pem.js';

/** ASN.1 SEQUENCE tag: every DER CRL starts with it. */
const DER_SEQUENCE = 0x30;

/** DER bytes of a CRL given as DER, PEM or hex (bytes or text). Throws ERR_COLLATERAL_MALFORMED naming `what`. */
export function crlToDer(value: Uint8Array | string, what: string): Uint8Array {
  if (value instanceof Uint8Array && value[0] === DER_SEQUENCE) return value;
  const text = (typeof value === 'string' ? value : fromUtf8(value)).trim();
  if (text.includes('-----BEGIN')) {
    const block = collateralPemBlocks(text).find((b) => b.label === 'X509 CRL');
    if (block) return block.der;
  } else if (/^(0x)?[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0) {
    const der = fromHex(text);
    if (der[0] === DER_SEQUENCE) return der;
  }
  throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `${what}: not a CRL in DER, PEM or hex`);
}
