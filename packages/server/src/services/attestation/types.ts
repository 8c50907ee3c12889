/** The shapes the attestation service works with, independent of HTTP. */
import type { NvidiaEvidence, TeeType } from '@confide/evidence';
import type { GuestAttestationInfo } from './azure-guest/attestation-info.js';

/** The `{type}` path segments of POST /attest/{type}. */
export const ATTESTATION_TYPES = ['SgxEnclave', 'OpenEnclave', 'SevSnpVm', 'TdxVm', 'Tpm', 'AzureGuest', 'NvidiaGpu', 'Simulated'] as const;
export type AttestationType = (typeof ATTESTATION_TYPES)[number];

/** `x-ms-attestation-type` per endpoint, as the real service names it ("nvidiagpu" and "sim" are Confide's: MAA has no such endpoints). */
export const MAA_TEE_NAME: Record<AttestationType, string> = {
  SgxEnclave: 'sgx',
  OpenEnclave: 'sgx',
  SevSnpVm: 'sevsnpvm',
  TdxVm: 'tdxvm',
  Tpm: 'tpm',
  AzureGuest: 'azurevm',
  NvidiaGpu: 'nvidiagpu',
  Simulated: 'sim',
};

/** The verifier TEE each endpoint accepts. */
export const TEE_OF: Record<AttestationType, TeeType> = {
  SgxEnclave: 'sgx',
  OpenEnclave: 'sgx',
  SevSnpVm: 'sev-snp',
  TdxVm: 'tdx',
  Tpm: 'tpm',
  AzureGuest: 'azure-cvm',
  NvidiaGpu: 'nvidia',
  Simulated: 'sim',
};

/** runtimeData / initTimeData: the decoded bytes and, for dataType JSON, the parsed value. */
export interface MaaData {
  bytes: Uint8Array;
  dataType: 'Binary' | 'JSON';
  /** Present for dataType JSON. */
  json?: unknown;
}

/** A validated attest request. */
export interface AttestRequest {
  type: AttestationType;
  /** The quote or report bytes (for SevSnpVm, the raw report out of its JSON envelope). */
  evidence: Uint8Array;
  runtimeData?: MaaData;
  initTimeData?: MaaData;
  /** Echoed into the `nonce` claim, always as a string. */
  nonce?: string;
  draftPolicy?: string;
  /** SevSnpVm: the PEM VCEK chain that came with the report. */
  vcekChainPem?: string;
  /** SevSnpVm: the decoded Endorsements JSON, when sent (kept, not evaluated). */
  endorsements?: unknown;
  /** TdxVm (Confide extension): the CC event log, replayed against the quote's RTMRs, and its CCEL table. */
  eventLog?: Uint8Array;
  ccelTable?: Uint8Array;
  /** SevSnpVm, TdxVm, Simulated (Confide extension): the GPUs beside the CPU evidence, parsed. */
  gpus?: NvidiaEvidence[];
  /** AzureGuest: the decoded AttestationInfo (`evidence` holds its bytes). */
  guest?: GuestAttestationInfo;
}
