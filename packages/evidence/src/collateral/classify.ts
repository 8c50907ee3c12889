/**
 * Turns the bytes of one collateral file into memory-provider items by looking at its content,
 * not its name: dcap-qvl JSON, Intel PCS TCB Info / QE Identity bodies, PEM (plain or
 * URL-encoded) certificates and CRLs, DER certificates and CRLs, hex DER CRLs.
 */
import { fromHex, fromUtf8 } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { X509Certificate, X509Crl } from '@peculiar/x509';
import type { CollateralItem } from './memory.js';
import { isDcapQvlCollateral, parseDcapQvlCollateral } from './dcap-qvl-json.js';
import { topLevelMemberText } from './json-member.js';
import { pcsDocumentKind } from './pcs-response.js';
import { collateralPemBlocks, decodePemChain } from './pem.js';
import { signedBody } from './signed-json.js';

const DER_SEQUENCE = 0x30;

function isCertificate(der: Uint8Array): boolean {
  try {
    new X509Certificate(der as Uint8Array<ArrayBuffer>);
    return true;
  } catch {
    return false;
  }
}

function isCrl(der: Uint8Array): boolean {
  try {
    new X509Crl(der as Uint8Array<ArrayBuffer>);
    return true;
  } catch {
    return false;
  }
}

/** UTF-8 text without control characters other than whitespace. */
function isText(b: Uint8Array): boolean {
  for (const c of b) if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  return true;
}

function fromDer(der: Uint8Array): CollateralItem[] | undefined {
  if (der[0] !== DER_SEQUENCE) return undefined;
  if (isCertificate(der)) return [{ kind: 'certificate', der }];
  if (isCrl(der)) return [{ kind: 'crl', der }];
  return undefined;
}

function fromJson(text: string): CollateralItem[] | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (isDcapQvlCollateral(o)) return [{ kind: 'intel', collateral: parseDcapQvlCollateral(o) }];
  const kind = pcsDocumentKind(o);
  if (!kind) return undefined;
  const signed = signedBody(`PCS ${kind}`, topLevelMemberText(text, kind), (o as Record<string, unknown>)['signature']);
  return [{ kind: kind === 'tcbInfo' ? 'intel-tcb-info' : 'intel-qe-identity', ...signed }];
}

function fromPem(text: string): CollateralItem[] {
  const items: CollateralItem[] = [];
  for (const b of collateralPemBlocks(text)) {
    if (b.label === 'CERTIFICATE') {
      if (!isCertificate(b.der)) throw new EvidenceError('ERR_COLLATERAL_MALFORMED', 'a PEM certificate cannot be parsed');
      items.push({ kind: 'certificate', der: b.der });
    } else if (b.label === 'X509 CRL') {
      if (!isCrl(b.der)) throw new EvidenceError('ERR_COLLATERAL_MALFORMED', 'a PEM CRL cannot be parsed');
      items.push({ kind: 'crl', der: b.der });
    }
  }
  return items;
}

/**
 * The collateral items in one file's bytes, or undefined when the content is not collateral at
 * all. Throws ERR_COLLATERAL_MALFORMED when it is collateral but broken (a dcap-qvl JSON with a
 * field missing, a PEM block that does not parse).
 */
export function collateralItemsFromBytes(bytes: Uint8Array): CollateralItem[] | undefined {
  const der = fromDer(bytes);
  if (der) return der;
  // Binary evidence can embed PEM (an Intel quote carries its PCK chain): only text files are read as text.
  if (!isText(bytes)) return undefined;
  const text = fromUtf8(bytes).trim();
  if (text.startsWith('{')) return fromJson(text);
  if (/-----BEGIN[ %]/.test(text)) {
    const items = fromPem(decodePemChain(text));
    return items.length > 0 ? items : undefined;
  }
  if (/^(0x)?[0-9a-fA-F\s]+$/.test(text)) {
    const hex = text.replace(/\s/g, '');
    if (hex.length % 2 === 0) return fromDer(fromHex(hex));
  }
  return undefined;
}
