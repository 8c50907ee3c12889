/**
 * Azure confidential VM evidence as Confide verifies it: the HCL report (hardware report plus
 * runtime data), the hardware report's own endorsement (the VCEK chain for SEV-SNP, the TD quote
 * for TDX), and the vTPM's quote with the PCR values it covers (and optionally the TCG event
 * log). `parseAzureCvmEvidence` turns the raw parts into a view that keeps every signed byte.
 */
import { EvidenceError } from '../errors.js';
import { parseIntelQuote } from '../intel/quote-parser.js';
import type { IntelQuote } from '../intel/quote-types.js';
import { parseSnpReport, type SnpReport } from '../sev-snp/report.js';
import { parseTpmEvidenceWithKey, type TpmEvidence } from '../tpm/evidence.js';
import type { TpmPcrInput } from '../tpm/pcr-values.js';
import { TPM_ALG } from '../tpm/algorithms.js';
import { parseHclReport, type HclHardware, type HclReport } from './hcl-report.js';
import { parseRuntimeData, type RuntimeData } from './runtime-data.js';

/** Most endorsement certificates (VCEK, ASK, ARK) that may come with an SNP HCL report. */
export const MAX_VEK_CERTIFICATES = 4;

/**
 * The raw parts of Azure CVM evidence: the HCL report, or (as Azure's guest attestation client
 * sends its isolation evidence) the hardware report and the runtime data apart: an SNP report,
 * or for TDX the TD quote alone.
 */
export interface AzureCvmEvidenceParts {
  hclReport?: Uint8Array | undefined;
  /** Without an HCL report: the 1184-byte SEV-SNP report. */
  snpReport?: Uint8Array | undefined;
  /** Without an HCL report: the runtime data the hardware report binds. */
  runtimeData?: Uint8Array | undefined;
  /** SEV-SNP: the VCEK (DER), optionally followed by the ASK and ARK; without it the collateral provider is asked. */
  vekCertificates?: readonly Uint8Array[] | undefined;
  /** TDX: the TD quote of the TDREPORT inside the HCL report. */
  tdQuote?: Uint8Array | undefined;
  /** The vTPM quote: TPMS_ATTEST, its TPMT_SIGNATURE (or a raw RSA signature, as Trustee's evidence holds it), and the PCR values. */
  tpmQuote: { quote: Uint8Array; signature: Uint8Array; pcrs: TpmPcrInput };
  eventLog?: Uint8Array | undefined;
}

/** Parsed Azure CVM evidence: what the Azure CVM verifier verifies. */
export interface AzureCvmEvidence {
  /** The HCL report, when the evidence came as one. */
  hcl: HclReport | undefined;
  hardware: HclHardware;
  /** The runtime data's exact bytes. */
  runtimeData: Uint8Array;
  runtime: RuntimeData;
  /** TDX with an HCL report: the TDREPORT the TD quote must be of. */
  tdReport: Uint8Array | undefined;
  /** SEV-SNP: the report inside the HCL report. */
  snpReport: SnpReport | undefined;
  vekCertificates: Uint8Array[];
  /** TDX: the TD quote. */
  tdQuote: IntelQuote | undefined;
  /** The vTPM quote under the runtime data's HCLAkPub. */
  tpm: TpmEvidence;
}

function malformed(message: string, field: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `Azure CVM evidence: ${message}`, { details: { field } });
}

/**
 * TPM2_Quote as Trustee and the guest attestation client keep it gives the bare RSA signature;
 * a TPMT_SIGNATURE starts with its scheme (RSASSA 0x0014) and hash (SHA-256 0x000b) and the
 * signature's own size. A signature exactly as long as the RSA modulus is the bare value: wrap it
 * as RSASSA-SHA256, the scheme the HCL's attestation key signs with.
 */
export function asTpmtSignature(signature: Uint8Array, akBits: number): Uint8Array {
  if (signature.length !== akBits / 8) return signature;
  const out = new Uint8Array(6 + signature.length);
  out.set([TPM_ALG.RSASSA >> 8, TPM_ALG.RSASSA & 255, TPM_ALG.SHA256 >> 8, TPM_ALG.SHA256 & 255, signature.length >> 8, signature.length & 255]);
  out.set(signature, 6);
  return out;
}

/**
 * Parses the parts of Azure CVM evidence. Throws ERR_EVIDENCE_MALFORMED (a part that does not
 * parse, a TD quote missing for a TDX report or given for an SNP one, too many certificates;
 * details.field names the part), ERR_EVIDENCE_UNSUPPORTED.
 */
export function parseAzureCvmEvidence(parts: AzureCvmEvidenceParts): AzureCvmEvidence {
  let hcl: HclReport | undefined;
  let hardware: HclHardware;
  let runtimeData: Uint8Array;
  if (parts.hclReport) {
    if (parts.snpReport || parts.runtimeData) malformed('an HCL report already holds the hardware report and the runtime data', 'hclReport');
    hcl = parseHclReport(parts.hclReport);
    hardware = hcl.hardware;
    runtimeData = hcl.runtimeData;
  } else {
    if (!parts.runtimeData) malformed('without an HCL report, the runtime data is needed beside the hardware report', 'runtimeData');
    if (!parts.snpReport && !parts.tdQuote) malformed('neither an HCL report, an SNP report nor a TD quote', 'hardwareReport');
    hardware = parts.snpReport ? 'sev-snp' : 'tdx';
    runtimeData = parts.runtimeData;
  }
  const runtime = parseRuntimeData(runtimeData);
  const certs = [...(parts.vekCertificates ?? [])];
  if (certs.length > MAX_VEK_CERTIFICATES) malformed(`${certs.length} endorsement certificates, more than ${MAX_VEK_CERTIFICATES}`, 'vcek');
  let snpReport: SnpReport | undefined;
  let tdQuote: IntelQuote | undefined;
  if (hardware === 'sev-snp') {
    if (parts.tdQuote) malformed('a TD quote came with an SEV-SNP report', 'tdQuote');
    snpReport = parseSnpReport(hcl ? hcl.hardwareReport : parts.snpReport!);
  } else {
    if (!parts.tdQuote) malformed('a TDX HCL report needs its TD quote', 'tdQuote');
    if (certs.length > 0) malformed('VCEK certificates came with TDX evidence', 'vcek');
    tdQuote = parseIntelQuote(parts.tdQuote);
    if (tdQuote.tee !== 'tdx') malformed('the TD quote is an SGX quote', 'tdQuote');
  }
  const tpm = parseTpmEvidenceWithKey(
    { quotes: [{ quote: parts.tpmQuote.quote, signature: asTpmtSignature(parts.tpmQuote.signature, runtime.akPub.bits) }], pcrs: parts.tpmQuote.pcrs, eventLog: parts.eventLog },
    runtime.akPub,
  );
  return { hcl, hardware, runtimeData, runtime, tdReport: hcl && hardware === 'tdx' ? hcl.hardwareReport : undefined, snpReport, vekCertificates: certs, tdQuote, tpm };
}
