/**
 * What a VCEK / VLEK certificate says about itself, so that a collateral provider can match a
 * certificate to an SNP report without verifying it. The extensions, the product and the chip
 * rule are the verifier's own (sev-snp/), so a certificate the provider picks is one the
 * verifier reads the same way.
 */
import { fromHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { X509Certificate } from '@peculiar/x509';
import type { AmdProduct } from './types.js';
import { hwidMatchesChip } from '../sev-snp/bindings.js';
import { vekProduct } from '../sev-snp/product.js';
import { decodeTcbHex } from '../sev-snp/tcb.js';
import { readVekExtensions, type VekExtensions } from '../sev-snp/vek-extensions.js';

/** What a VEK certificate says about itself. */
export interface VekInfo {
  keyType: 'vcek' | 'vlek';
  /** Product from the productName extension, else the issuer's CN, when it names a known product. */
  product: AmdProduct | undefined;
  /** Hardware ID (chip ID; 8 bytes on Turin); VLEKs have none. */
  hwid: Uint8Array | undefined;
  /** SPLs present in the certificate. */
  tcb: VekExtensions['tcb'];
  subject: string;
  issuer: string;
}

/**
 * Reads a VCEK / VLEK certificate's identity. Throws ERR_COLLATERAL_MALFORMED when it is not
 * one, or when one of its AMD extensions is badly encoded.
 */
export function vekInfo(der: Uint8Array): VekInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der as Uint8Array<ArrayBuffer>);
  } catch (cause) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', 'an AMD endorsement key certificate is not a valid X.509 certificate', { cause });
  }
  const cn = cert.subjectName.getField('CN')[0] ?? '';
  const keyType = cn === 'SEV-VCEK' ? 'vcek' : cn === 'SEV-VLEK' ? 'vlek' : undefined;
  if (!keyType) throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `certificate "${cert.subject}" is not an AMD VCEK or VLEK`);
  const ext = readVekExtensions({ extensions: new Map(cert.extensions.map((e) => [e.type, new Uint8Array(e.value)])) });
  return {
    keyType,
    product: vekProduct(ext.productName, cert.issuerName.getField('CN')[0] ?? ''),
    hwid: ext.hwid,
    tcb: ext.tcb,
    subject: cert.subject,
    issuer: cert.issuer,
  };
}

/**
 * True when the VEK certificate fits the report: same key type and product, hardware ID that
 * the chip ID starts with (zero after it) for a VCEK, and every SPL in the certificate equal to
 * the reported TCB.
 */
export function vekMatches(
  info: VekInfo,
  req: { product: AmdProduct | undefined; keyType: 'vcek' | 'vlek'; chipId: string; reportedTcb: string },
): boolean {
  if (info.keyType !== req.keyType) return false;
  if (req.product && info.product && req.product !== info.product) return false;
  const product = req.product ?? info.product;
  if (info.keyType === 'vcek' && !hwidMatchesChip(info.hwid, fromHex(req.chipId))) return false;
  if (!product) return false;
  const reported = decodeTcbHex(req.reportedTcb, product);
  for (const k of ['fmc', 'bootloader', 'tee', 'snp', 'microcode'] as const) {
    const want = info.tcb[k];
    if (want !== undefined && reported[k] !== want) return false;
  }
  return true;
}
