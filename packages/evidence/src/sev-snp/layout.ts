/**
 * Byte layout of the SEV-SNP attestation report: AMD 56860, SEV Secure Nested Paging Firmware
 * ABI Specification, table "ATTESTATION_REPORT Structure" (report versions 2, 3 and 5), and
 * table "TCB_VERSION Structure". Every field is little-endian.
 */

/** The report is always 1184 bytes (0x4A0), whatever its version. */
export const REPORT_SIZE = 0x4a0;
/** The signature covers bytes [0, 0x2A0); the signature block follows. */
export const SIGNED_END = 0x2a0;

export const OFF = {
  VERSION: 0x000, // u32
  GUEST_SVN: 0x004, // u32
  POLICY: 0x008, // u64, see "Guest Policy Structure"
  FAMILY_ID: 0x010, // 16 bytes
  IMAGE_ID: 0x020, // 16 bytes
  VMPL: 0x030, // u32
  SIGNATURE_ALGO: 0x034, // u32, 1 = ECDSA P-384 with SHA-384
  CURRENT_TCB: 0x038, // TCB_VERSION (8 bytes)
  PLATFORM_INFO: 0x040, // u64
  SIGNER_INFO: 0x048, // u32: bit 0 AUTHOR_KEY_EN, bit 1 MASK_CHIP_KEY, bits 4:2 SIGNING_KEY
  REPORT_DATA: 0x050, // 64 bytes
  MEASUREMENT: 0x090, // 48 bytes
  HOST_DATA: 0x0c0, // 32 bytes
  ID_KEY_DIGEST: 0x0e0, // 48 bytes
  AUTHOR_KEY_DIGEST: 0x110, // 48 bytes
  REPORT_ID: 0x140, // 32 bytes
  REPORT_ID_MA: 0x160, // 32 bytes
  REPORTED_TCB: 0x180, // TCB_VERSION
  CPUID_FAM_ID: 0x188, // u8, version 3 and later (reserved before)
  CPUID_MOD_ID: 0x189, // u8, version 3 and later
  CPUID_STEP: 0x18a, // u8, version 3 and later
  CHIP_ID: 0x1a0, // 64 bytes; zero when MASK_CHIP_ID is set
  COMMITTED_TCB: 0x1e0, // TCB_VERSION
  CURRENT_BUILD: 0x1e8, // u8
  CURRENT_MINOR: 0x1e9, // u8
  CURRENT_MAJOR: 0x1ea, // u8
  COMMITTED_BUILD: 0x1ec, // u8
  COMMITTED_MINOR: 0x1ed, // u8
  COMMITTED_MAJOR: 0x1ee, // u8
  LAUNCH_TCB: 0x1f0, // TCB_VERSION
  LAUNCH_MIT_VECTOR: 0x1f8, // u64, version 5 and later
  CURRENT_MIT_VECTOR: 0x200, // u64, version 5 and later
  SIGNATURE: 0x2a0, // R (72 bytes LE), S (72 bytes LE), reserved
} as const;

/** Sizes of the byte fields above. */
export const SIZE = {
  FAMILY_ID: 16,
  IMAGE_ID: 16,
  TCB: 8,
  REPORT_DATA: 64,
  MEASUREMENT: 48,
  HOST_DATA: 32,
  ID_KEY_DIGEST: 48,
  AUTHOR_KEY_DIGEST: 48,
  REPORT_ID: 32,
  REPORT_ID_MA: 32,
  CHIP_ID: 64,
  /** Each of R and S: a P-384 scalar (48 bytes) zero-extended to 72 bytes, little-endian. */
  SIG_COMPONENT: 72,
  P384_SCALAR: 48,
} as const;

/** Start of the signature field's reserved part (after R and S), zero up to the end of the report. */
export const SIGNATURE_RESERVED = OFF.SIGNATURE + 2 * SIZE.SIG_COMPONENT;

/** SIGNATURE_ALGO value for ECDSA P-384 with SHA-384 (table "Signature Algorithm Encodings"). */
export const SIG_ALGO_ECDSA_P384_SHA384 = 1;

/** SIGNER_INFO.SIGNING_KEY values. */
export const SIGNING_KEY = { VCEK: 0, VLEK: 1, NONE: 7 } as const;

/** Report versions this verifier reads; any other is ERR_EVIDENCE_UNSUPPORTED. */
export const SUPPORTED_VERSIONS: readonly number[] = [2, 3, 5];
