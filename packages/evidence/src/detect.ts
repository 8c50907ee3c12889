/**
 * Works out what a blob of evidence is: its encoding (binary, hex text or base64 text) and its
 * TEE, from the fixed header fields of each format. Nothing is verified here.
 */
import { fromBase64, fromHex, fromUtf8, toHex } from '@confide/core';
import { EvidenceError } from './errors.js';
import type { TeeType } from './types.js';
import { hasSimMagic } from './sim/layout.js';
import { GET_MEASUREMENTS, MEASUREMENTS, REQUEST, SPDM_VERSION_1_1 } from './nvidia/layout.js';
import { isNvidiaEvidenceEntry, parseNvidiaJson } from './nvidia/evidence.js';
import { tpmJsonShape } from './tpm/evidence-json.js';
import { azureCvmJsonShape } from './azure-cvm/evidence-json.js';
import { TPM_GENERATED_VALUE } from './tpm/attest.js';

/** Intel DCAP quote header (Intel SGX/TDX DCAP Quote Generation Library and Quote Verification spec, "Quote Header"). */
const QUOTE_VERSION_OFFSET = 0; // u16
const QUOTE_ATT_KEY_TYPE_OFFSET = 2; // u16
const QUOTE_TEE_TYPE_OFFSET = 4; // u32; reserved (0) in v3, which is SGX only
const QUOTE_HEADER_BYTES = 48;
const QUOTE_V5_BODY_DESCRIPTOR_BYTES = 6; // u16 body type, u32 body size
const SGX_REPORT_BODY_BYTES = 384;
const TD_REPORT_BODY_BYTES = 584;
const SIGNATURE_DATA_LENGTH_BYTES = 4;
const ATT_KEY_ECDSA_P256 = 2;
const ATT_KEY_ECDSA_P384 = 3;
const TEE_TYPE_SGX = 0x00000000;
const TEE_TYPE_TDX = 0x00000081;

/** Open Enclave evidence header (openenclave `oe_report_header_t`): version u32 = 1, type u32 = 2 (remote), size u64. */
const OE_HEADER_BYTES = 16;
const OE_HEADER_VERSION = 1;
const OE_REPORT_TYPE_REMOTE = 2;

/** SEV-SNP ATTESTATION_REPORT (AMD SEV-SNP ABI spec, Table 23 in rev 1.55+). */
const SNP_REPORT_BYTES = 0x4a0; // 1184
const SNP_VERSION_OFFSET = 0x00; // u32
const SNP_SIGNATURE_ALGO_OFFSET = 0x34; // u32
const SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384 = 1;
const SNP_MIN_VERSION = 2;
const SNP_MAX_VERSION = 15;

/** Azure HCL (paravisor) attestation report: "HCLA" header, hardware report at 32, IGVM request data at 1216. */
const HCL_MAGIC = 0x414c4348; // "HCLA" read as u32 LE
const HCL_HW_REPORT_OFFSET = 32;
const HCL_IGVM_REPORT_TYPE_OFFSET = 1216 + 8; // data_size u32, version u32, report_type u32
const HCL_REPORT_TYPE_SNP = 2;
const HCL_REPORT_TYPE_TDX = 4;

export type EvidenceFormat =
  | 'intel-quote'
  | 'oe-sgx-quote'
  | 'sev-snp-report'
  | 'azure-hcl-report'
  | 'confide-sim'
  | 'nvidia-spdm-report'
  | 'nvidia-evidence-json'
  | 'nvidia-evidence-list'
  | 'tpm-json'
  | 'tpm-attest'
  | 'azure-cvm-json';

/** What detection found. */
export interface DetectedEvidence {
  tee: TeeType;
  format: EvidenceFormat;
  /** How the input was encoded. */
  encoding: 'binary' | 'hex' | 'base64' | 'json';
  /** The bytes to hand to the TEE's verifier: the quote without the OE header, the report itself. */
  bytes: Uint8Array;
  /** Intel quote version (3, 4, 5). */
  quoteVersion?: number;
  /**
   * False for formats that are recognised but not verified as they are: Azure HCL reports, and
   * a TPMS_ATTEST alone (it needs its signature, the AK and the PCR values beside it).
   */
  supported: boolean;
}

type Found = Omit<DetectedEvidence, 'encoding'>;

function u16(b: Uint8Array, off: number): number {
  return b[off]! | (b[off + 1]! << 8);
}

function u32(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

function intelQuote(b: Uint8Array, format: EvidenceFormat): Found | undefined {
  if (b.length < QUOTE_HEADER_BYTES) return undefined;
  const version = u16(b, QUOTE_VERSION_OFFSET);
  const keyType = u16(b, QUOTE_ATT_KEY_TYPE_OFFSET);
  const teeType = u32(b, QUOTE_TEE_TYPE_OFFSET);
  if (version < 3 || version > 5) return undefined;
  if (keyType !== ATT_KEY_ECDSA_P256 && keyType !== ATT_KEY_ECDSA_P384) return undefined;
  if (teeType !== TEE_TYPE_SGX && teeType !== TEE_TYPE_TDX) return undefined;
  if (version === 3 && teeType !== TEE_TYPE_SGX) return undefined;
  const tee: TeeType = teeType === TEE_TYPE_TDX ? 'tdx' : 'sgx';
  if (keyType === ATT_KEY_ECDSA_P384) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `an Intel ${tee.toUpperCase()} quote v${version} with an ECDSA P-384 attestation key is not supported`);
  }
  const body =
    version === 5 ? QUOTE_V5_BODY_DESCRIPTOR_BYTES + (b.length >= QUOTE_HEADER_BYTES + 6 ? u32(b, QUOTE_HEADER_BYTES + 2) : 0) : tee === 'tdx' ? TD_REPORT_BODY_BYTES : SGX_REPORT_BODY_BYTES;
  if (b.length < QUOTE_HEADER_BYTES + body + SIGNATURE_DATA_LENGTH_BYTES) {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `an Intel ${tee.toUpperCase()} quote v${version} is truncated: ${b.length} bytes`);
  }
  return { tee, format, bytes: b, quoteVersion: version, supported: true };
}

function oeWrapped(b: Uint8Array): Found | undefined {
  if (b.length < OE_HEADER_BYTES + QUOTE_HEADER_BYTES) return undefined;
  if (u32(b, 0) !== OE_HEADER_VERSION || u32(b, 4) !== OE_REPORT_TYPE_REMOTE) return undefined;
  const size = u32(b, 8) + u32(b, 12) * 2 ** 32;
  if (size !== b.length - OE_HEADER_BYTES) return undefined;
  return intelQuote(b.subarray(OE_HEADER_BYTES), 'oe-sgx-quote');
}

function snpReport(b: Uint8Array): Found | undefined {
  if (b.length !== SNP_REPORT_BYTES) return undefined;
  const version = u32(b, SNP_VERSION_OFFSET);
  if (version < SNP_MIN_VERSION || version > SNP_MAX_VERSION) return undefined;
  if (u32(b, SNP_SIGNATURE_ALGO_OFFSET) !== SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384) return undefined;
  return { tee: 'sev-snp', format: 'sev-snp-report', bytes: b, supported: true };
}

function hclReport(b: Uint8Array): Found | undefined {
  if (b.length < 4 || u32(b, 0) !== HCL_MAGIC) return undefined;
  if (b.length < HCL_IGVM_REPORT_TYPE_OFFSET + 4) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `an Azure HCL report is truncated: ${b.length} bytes`);
  const type = u32(b, HCL_IGVM_REPORT_TYPE_OFFSET);
  if (type !== HCL_REPORT_TYPE_SNP && type !== HCL_REPORT_TYPE_TDX) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `an Azure HCL report has hardware report type ${type}; 2 (SEV-SNP) and 4 (TDX) are known`);
  }
  return {
    tee: type === HCL_REPORT_TYPE_SNP ? 'sev-snp' : 'tdx',
    format: 'azure-hcl-report',
    bytes: b.subarray(HCL_HW_REPORT_OFFSET),
    supported: false,
  };
}

/** A TPMS_ATTEST on its own: TPM_GENERATED_VALUE, then a quote's type (TCG TPM 2.0 Part 2, 10.12.12). */
function tpmAttest(b: Uint8Array): Found | undefined {
  if (b.length < 6 || ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 !== TPM_GENERATED_VALUE) return undefined;
  return { tee: 'tpm', format: 'tpm-attest', bytes: b, supported: false };
}

/** TPM evidence as JSON (Confide's, Trustee's or go-attestation's shape; tpm/evidence-json.ts), or Trustee's Azure CVM evidence (azure-cvm/evidence-json.ts). */
function teeJson(text: string, input: Uint8Array): DetectedEvidence | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (tpmJsonShape(doc)) return { tee: 'tpm', format: 'tpm-json', encoding: 'json', bytes: input, supported: true };
  if (azureCvmJsonShape(doc)) return { tee: 'azure-cvm', format: 'azure-cvm-json', encoding: 'json', bytes: input, supported: true };
  return undefined;
}

/** Confide simulated evidence (docs/simulated-tee.md): "CONFIDE-SIM" magic; its parser checks the rest. */
function simEvidence(b: Uint8Array): Found | undefined {
  return hasSimMagic(b) ? { tee: 'sim', format: 'confide-sim', bytes: b, supported: true } : undefined;
}

/**
 * An NVIDIA report: an SPDM 1.1 GET_MEASUREMENTS request asking for a signature, then the
 * MEASUREMENTS response (DSP0274 1.1); its parser checks the rest.
 */
function nvidiaReport(b: Uint8Array): Found | undefined {
  if (b.length < REQUEST.BYTES + 2 || b[REQUEST.VERSION] !== SPDM_VERSION_1_1 || b[REQUEST.CODE] !== GET_MEASUREMENTS) return undefined;
  if (b[REQUEST.BYTES + 1] !== MEASUREMENTS) return undefined;
  return { tee: 'nvidia', format: 'nvidia-spdm-report', bytes: b, supported: true };
}

function recognise(b: Uint8Array): Found | undefined {
  return simEvidence(b) ?? hclReport(b) ?? oeWrapped(b) ?? intelQuote(b, 'intel-quote') ?? snpReport(b) ?? nvidiaReport(b) ?? tpmAttest(b);
}

/** NVIDIA's JSON evidence: one entry `{evidence, certificate, ...}` or a list of them (PPCIe). */
function nvidiaJson(input: Uint8Array): Found | undefined {
  let value: unknown;
  try {
    value = parseNvidiaJson(input);
  } catch {
    return undefined;
  }
  if (isNvidiaEvidenceEntry(value)) return { tee: 'nvidia', format: 'nvidia-evidence-json', bytes: input, supported: true };
  if (Array.isArray(value) && value.length > 0 && value.every(isNvidiaEvidenceEntry)) {
    return { tee: 'nvidia', format: 'nvidia-evidence-list', bytes: input, supported: true };
  }
  return undefined;
}

/** Printable ASCII and whitespace only. */
function isText(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  for (const c of b) if (!(c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127))) return false;
  return true;
}

function textCandidates(text: string): { encoding: 'hex' | 'base64'; bytes: Uint8Array }[] {
  const out: { encoding: 'hex' | 'base64'; bytes: Uint8Array }[] = [];
  const compact = text.replace(/^["']|["']$/g, '').replace(/\s+/g, '');
  const hex = compact.replace(/^0x/i, '');
  if (/^[0-9a-fA-F]+$/.test(hex) && hex.length % 2 === 0) out.push({ encoding: 'hex', bytes: fromHex(hex) });
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
    try {
      out.push({ encoding: 'base64', bytes: fromBase64(compact) });
    } catch {
      // not base64 after all
    }
  }
  return out;
}

/**
 * Detects the encoding and TEE of evidence bytes: an Intel SGX/TDX quote (v3-v5, optionally in an
 * Open Enclave header), a 1184-byte SEV-SNP report, an Azure HCL report, an NVIDIA GPU/NVSwitch SPDM report, a
 * TPMS_ATTEST, or Confide simulated evidence; binary, hex text (optional 0x) or base64 text, with surrounding whitespace; or
 * NVIDIA's JSON evidence (one device, or a list of devices: format 'nvidia-evidence-list'), or TPM or Azure CVM evidence JSON. Throws ERR_EVIDENCE_MALFORMED when
 * nothing fits, ERR_EVIDENCE_UNSUPPORTED for known but unsupported variants.
 */
export function detectEvidence(input: Uint8Array): DetectedEvidence {
  const direct = recognise(input);
  if (direct) return { ...direct, encoding: 'binary' };
  if (isText(input)) {
    const text = fromUtf8(input).trim();
    for (const c of textCandidates(text)) {
      const found = recognise(c.bytes);
      if (found) return { ...found, encoding: c.encoding };
    }
    if (text.startsWith('{')) {
      const tpm = teeJson(text, input);
      if (tpm) return tpm;
    }
    if (text.startsWith('{') || text.startsWith('[')) {
      const nvidia = nvidiaJson(input);
      if (nvidia) return { ...nvidia, encoding: 'json' };
      throw new EvidenceError('ERR_EVIDENCE_MALFORMED', 'the evidence is JSON; pass the quote or report itself (binary, hex or base64), not a JSON wrapper (JSON is taken only for NVIDIA device evidence, TPM evidence and Azure CVM evidence)');
    }
  }
  const head = toHex(input.subarray(0, 8));
  throw new EvidenceError(
    'ERR_EVIDENCE_MALFORMED',
    `the evidence is not a recognised format (${input.length} bytes, starting ${head || '(empty)'}): expected an Intel quote ` +
      '(version 3, 4 or 5, attestation key type 2), an Open Enclave-wrapped quote, a 1184-byte SEV-SNP report, an Azure HCL report, an NVIDIA SPDM 1.1 report ' +
      'or Confide simulated evidence, as binary, hex or base64, or NVIDIA or TPM JSON evidence',
  );
}

/** The TEE of evidence bytes. Throws as detectEvidence. */
export function detectTee(input: Uint8Array): TeeType {
  return detectEvidence(input).tee;
}
