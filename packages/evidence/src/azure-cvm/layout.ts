/**
 * Byte layouts of the Azure HCL (paravisor) attestation report, as the vTPM's NV index
 * 0x01400001 holds it (az-cvm-vtpm `hcl::AttestationReport`, Microsoft's guest attestation
 * client `ReportParser`), and of the TDX TDREPORT inside it (Intel TDX Module ABI spec,
 * "TDREPORT_STRUCT", REPORTMACSTRUCT, TEE_TCB_INFO, TDINFO_STRUCT). Little-endian integers.
 */

/** `ATTESTATION_HEADER`: signature "HCLA", version, report_size, request_type, status, 3 reserved u32s. */
export const HCL_HEADER = {
  SIGNATURE: 0,
  VERSION: 4,
  REPORT_SIZE: 8,
  REQUEST_TYPE: 12,
  STATUS: 16,
  RESERVED: 20,
  BYTES: 32,
} as const;
export const HCL_MAGIC = 0x414c4348; // "HCLA" read as u32 LE

/** The hardware report field: room for the larger of the SNP report (1184) and the TDREPORT (1024). */
export const HW_REPORT_OFFSET = 32;
export const HW_REPORT_BYTES = 1184;
export const SNP_REPORT_BYTES = 1184;
export const TD_REPORT_BYTES = 1024;

/** `IGVM_REQUEST_DATA` after the hardware report: data_size, version, report_type, hash_type, variable_data_size, then the runtime data. */
export const IGVM = {
  OFFSET: 1216,
  DATA_SIZE: 1216,
  VERSION: 1220,
  REPORT_TYPE: 1224,
  HASH_TYPE: 1228,
  VARIABLE_DATA_SIZE: 1232,
  HEADER_BYTES: 20,
  RUNTIME_DATA: 1236,
} as const;

export const REPORT_TYPE = { SNP: 2, TDX: 4 } as const;
/** IGVM hash types; Azure hashes the runtime data with SHA-256 (1). */
export const HASH_TYPE_SHA256 = 1;

/** Largest HCL report read (the NV index is 2600 bytes; the runtime data a few kilobytes at most). */
export const MAX_HCL_REPORT_BYTES = 64 * 1024;

/** TDREPORT_STRUCT (1024 bytes): REPORTMACSTRUCT (256), TEE_TCB_INFO (239) + 17 reserved, TDINFO_STRUCT (512). */
export const TD_REPORT = {
  REPORT_TYPE: 0, // type 0x81 = TDX, subtype, version, reserved
  CPUSVN: 16,
  TEE_TCB_INFO_HASH: 32, // SHA-384 of TEE_TCB_INFO
  TEE_INFO_HASH: 80, // SHA-384 of TDINFO_STRUCT
  REPORT_DATA: 128,
  MAC: 224,
  TEE_TCB_INFO: 256,
  TEE_TCB_INFO_BYTES: 239,
  TDINFO: 512,
  TDINFO_BYTES: 512,
} as const;
export const TD_REPORT_TYPE_TDX = 0x81;

/** TEE_TCB_INFO: valid (8), TEE_TCB_SVN (16), MRSEAM (48), MRSIGNERSEAM (48), ATTRIBUTES (8), ... */
export const TEE_TCB_INFO = { TEE_TCB_SVN: 8, MR_SEAM: 24, MR_SIGNER_SEAM: 72, ATTRIBUTES: 120 } as const;

/** TDINFO_STRUCT: ATTRIBUTES (8), XFAM (8), MRTD, MRCONFIGID, MROWNER, MROWNERCONFIG (48 each), RTMR0-3 (48 each). */
export const TDINFO = { ATTRIBUTES: 0, XFAM: 8, MR_TD: 16, MR_CONFIG_ID: 64, MR_OWNER: 112, MR_OWNER_CONFIG: 160, RTMRS: 208 } as const;
