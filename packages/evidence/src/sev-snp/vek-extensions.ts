/**
 * The AMD extensions of a VCEK/VLEK certificate (AMD 57230, VCEK Certificate and KDS Interface
 * Specification, "VCEK Certificate Extensions"; family 1Ah adds fmcSPL and an 8-byte hwID).
 * SPL values are DER INTEGERs, the product name and CSP ID DER IA5Strings, and hwID raw bytes.
 * The one reader of them: the verifier and the memory collateral provider both use it.
 */
import { EvidenceError } from '../errors.js';
import { DerReader, TAG, decodeSmallInt } from '../asn1/der.js';

/** The VEK extension OIDs (AMD 57230, "VCEK Certificate Extensions"): the one table of them in src. */
const KDS_OID = {
  STRUCT_VERSION: '1.3.6.1.4.1.3704.1.1',
  PRODUCT_NAME: '1.3.6.1.4.1.3704.1.2',
  BL_SPL: '1.3.6.1.4.1.3704.1.3.1',
  TEE_SPL: '1.3.6.1.4.1.3704.1.3.2',
  SNP_SPL: '1.3.6.1.4.1.3704.1.3.3',
  UCODE_SPL: '1.3.6.1.4.1.3704.1.3.8',
  FMC_SPL: '1.3.6.1.4.1.3704.1.3.9',
  HWID: '1.3.6.1.4.1.3704.1.4',
  CSP_ID: '1.3.6.1.4.1.3704.1.5',
} as const;

export interface VekExtensions {
  productName: string | undefined;
  /** Security patch levels; undefined when the certificate lacks the extension. */
  tcb: { fmc?: number; bootloader?: number; tee?: number; snp?: number; microcode?: number };
  /** The chip's hardware ID (VCEK only): 64 bytes, or 8 on Turin. */
  hwid: Uint8Array | undefined;
  /** The cloud provider a VLEK was issued to. */
  cspId: string | undefined;
}

const CODE = 'ERR_COLLATERAL_MALFORMED';

function readInteger(value: Uint8Array): number {
  return decodeSmallInt(new DerReader(value, CODE, 'VCEK SPL extension').next(TAG.INTEGER).value);
}

/** Tolerates both the DER-wrapped IA5String AMD issues and a bare string. */
function readString(value: Uint8Array): string {
  const tag = value[0];
  const bytes =
    tag === TAG.IA5_STRING || tag === TAG.UTF8_STRING || tag === TAG.PRINTABLE_STRING
      ? new DerReader(value, CODE, 'VCEK string extension').next().value
      : value;
  return new TextDecoder().decode(bytes);
}

/**
 * Reads the AMD extensions of a certificate (its extension contents by OID). Throws
 * ERR_COLLATERAL_MALFORMED when one is badly encoded or an SPL does not fit a TCB byte.
 */
export function readVekExtensions(cert: { extensions: ReadonlyMap<string, Uint8Array> }): VekExtensions {
  const ext = cert.extensions;
  const int = (oid: string): number | undefined => {
    const v = ext.get(oid);
    return v === undefined ? undefined : readInteger(v);
  };
  const str = (oid: string): string | undefined => {
    const v = ext.get(oid);
    return v === undefined ? undefined : readString(v);
  };
  const tcb: VekExtensions['tcb'] = {};
  const parts = [
    ['fmc', KDS_OID.FMC_SPL],
    ['bootloader', KDS_OID.BL_SPL],
    ['tee', KDS_OID.TEE_SPL],
    ['snp', KDS_OID.SNP_SPL],
    ['microcode', KDS_OID.UCODE_SPL],
  ] as const;
  for (const [name, oid] of parts) {
    const value = int(oid);
    if (value !== undefined) {
      if (value > 0xff) throw new EvidenceError(CODE, `VCEK ${name} SPL ${value} does not fit a TCB byte`);
      tcb[name] = value;
    }
  }
  return { productName: str(KDS_OID.PRODUCT_NAME), tcb, hwid: ext.get(KDS_OID.HWID), cspId: str(KDS_OID.CSP_ID) };
}
