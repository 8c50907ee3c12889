/**
 * Reads the AMD-specific extensions of a VCEK / VLEK certificate (AMD "Versioned Chip/Loaded
 * Endorsement Key Certificate" spec, OIDs under 1.3.6.1.4.1.3704.1) and maps an SNP report's
 * REPORTED_TCB onto them, so that a certificate can be matched to a report without verifying it.
 */
import { ConfideError, fromHex, toHex } from '@confide/core';
import { X509Certificate } from '@peculiar/x509';
import type { AmdProduct } from './types.js';

/** VEK extension OIDs (AMD VCEK certificate spec, table "VCEK certificate extensions"). */
export const VEK_OID = {
  productName: '1.3.6.1.4.1.3704.1.2',
  blSpl: '1.3.6.1.4.1.3704.1.3.1',
  teeSpl: '1.3.6.1.4.1.3704.1.3.2',
  snpSpl: '1.3.6.1.4.1.3704.1.3.3',
  ucodeSpl: '1.3.6.1.4.1.3704.1.3.8',
  fmcSpl: '1.3.6.1.4.1.3704.1.3.9',
  hwid: '1.3.6.1.4.1.3704.1.4',
} as const;

/** Security patch levels of one TCB version. `fmc` exists from Turin on. */
export interface TcbSpls {
  fmc?: number;
  bl: number;
  tee: number;
  snp: number;
  ucode: number;
}

/**
 * REPORTED_TCB bytes (as they appear in the report, 8 bytes) to SPLs. SEV-SNP ABI, TCB_VERSION:
 * Milan/Genoa byte 0 boot loader, 1 TEE, 6 SNP, 7 microcode; Turin byte 0 FMC, 1 boot loader,
 * 2 TEE, 3 SNP, 7 microcode. Throws ERR_EVIDENCE_MALFORMED when `tcbHex` is not 8 bytes.
 */
export function reportedTcbSpls(product: AmdProduct, tcbHex: string): TcbSpls {
  const b = fromHex(tcbHex);
  if (b.length !== 8) throw new ConfideError('ERR_EVIDENCE_MALFORMED', `a reported TCB is ${b.length} bytes, expected 8`);
  if (product === 'Turin') return { fmc: b[0]!, bl: b[1]!, tee: b[2]!, snp: b[3]!, ucode: b[7]! };
  return { bl: b[0]!, tee: b[1]!, snp: b[6]!, ucode: b[7]! };
}

/** What a VEK certificate says about itself. */
export interface VekInfo {
  keyType: 'vcek' | 'vlek';
  /** Product from the productName extension ("Milan-B0" -> "Milan"), when it names a known product. */
  product: AmdProduct | undefined;
  /** Hardware ID (chip ID; 8 bytes on Turin), lower-case hex; VLEKs have none. */
  hwid: string | undefined;
  /** SPLs present in the certificate. */
  spls: Partial<TcbSpls>;
  subject: string;
  issuer: string;
}

const PRODUCTS: readonly AmdProduct[] = ['Milan', 'Genoa', 'Turin'];

/** Product named by an AMD CN or productName ("ARK-Milan", "SEV-VLEK-Genoa", "Turin-B0"). */
export function amdProductIn(name: string): AmdProduct | undefined {
  return PRODUCTS.find((p) => new RegExp(`(^|[-= ,])${p}($|[-, ])`).test(name));
}

/** A DER INTEGER (small, non-negative) or IA5String inside an extension value. */
function derScalar(value: Uint8Array): number | string | undefined {
  const tag = value[0];
  const len = value[1];
  if (len === undefined || len > 0x7f || value.length !== 2 + len) return undefined;
  const body = value.subarray(2);
  if (tag === 0x02) return body.reduce((n, x) => n * 256 + x, 0);
  if (tag === 0x16) return String.fromCharCode(...body);
  return undefined;
}

/** Reads a VCEK / VLEK certificate's identity. Throws ERR_COLLATERAL_MALFORMED when it is not one. */
export function vekInfo(der: Uint8Array): VekInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der as Uint8Array<ArrayBuffer>);
  } catch (cause) {
    throw new ConfideError('ERR_COLLATERAL_MALFORMED', 'an AMD endorsement key certificate is not a valid X.509 certificate', { cause });
  }
  const cn = cert.subjectName.getField('CN')[0] ?? '';
  const keyType = cn === 'SEV-VCEK' ? 'vcek' : cn === 'SEV-VLEK' ? 'vlek' : undefined;
  if (!keyType) throw new ConfideError('ERR_COLLATERAL_MALFORMED', `certificate "${cert.subject}" is not an AMD VCEK or VLEK`);
  const ext = (oid: string): Uint8Array | undefined => {
    const e = cert.extensions.find((x) => x.type === oid);
    return e ? new Uint8Array(e.value) : undefined;
  };
  const num = (oid: string): number | undefined => {
    const v = ext(oid);
    const s = v ? derScalar(v) : undefined;
    return typeof s === 'number' ? s : undefined;
  };
  const productRaw = ext(VEK_OID.productName);
  const productName = productRaw ? derScalar(productRaw) : undefined;
  const hwid = ext(VEK_OID.hwid);
  const spls: Partial<TcbSpls> = {};
  const put = (k: keyof TcbSpls, oid: string): void => {
    const n = num(oid);
    if (n !== undefined) spls[k] = n;
  };
  put('bl', VEK_OID.blSpl);
  put('tee', VEK_OID.teeSpl);
  put('snp', VEK_OID.snpSpl);
  put('ucode', VEK_OID.ucodeSpl);
  put('fmc', VEK_OID.fmcSpl);
  return {
    keyType,
    product: typeof productName === 'string' ? amdProductIn(productName) : amdProductIn(cert.issuer),
    hwid: hwid ? toHex(hwid) : undefined,
    spls,
    subject: cert.subject,
    issuer: cert.issuer,
  };
}

/**
 * True when the VEK certificate fits the report: same key type and product, hardware ID equal to
 * the chip ID (its first 8 bytes on Turin) for a VCEK, and every SPL in the certificate equal to
 * the reported TCB.
 */
export function vekMatches(
  info: VekInfo,
  req: { product: AmdProduct | undefined; keyType: 'vcek' | 'vlek'; chipId: string; reportedTcb: string },
): boolean {
  if (info.keyType !== req.keyType) return false;
  if (req.product && info.product && req.product !== info.product) return false;
  const product = req.product ?? info.product;
  if (info.keyType === 'vcek') {
    if (!info.hwid) return false;
    const chip = req.chipId.toLowerCase();
    if (info.hwid !== chip && !(info.hwid.length === 16 && chip.startsWith(info.hwid) && /^0*$/.test(chip.slice(16)))) return false;
  }
  if (!product) return false;
  const reported = reportedTcbSpls(product, req.reportedTcb);
  for (const k of ['fmc', 'bl', 'tee', 'snp', 'ucode'] as const) {
    const want = info.spls[k];
    if (want !== undefined && reported[k] !== want) return false;
  }
  return true;
}
