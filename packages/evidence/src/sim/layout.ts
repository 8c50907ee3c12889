/**
 * Byte layout of Confide simulated evidence, version 1 (docs/simulated-tee.md, "Evidence
 * format"). Little-endian integers, 256 bytes in all. The signature covers every byte before
 * it, header included, so neither the magic nor the version can be swapped after signing.
 */

/** "CONFIDE-SIM" in ASCII: no Intel quote, OE header, SNP or HCL report starts with these bytes. */
export const SIM_MAGIC = new Uint8Array([0x43, 0x4f, 0x4e, 0x46, 0x49, 0x44, 0x45, 0x2d, 0x53, 0x49, 0x4d]);
export const SIM_VERSION = 1;

/** Offsets (docs/simulated-tee.md, table "Simulated evidence v1"). */
export const SIM_OFFSET = {
  MAGIC: 0x00, // 11 bytes
  VERSION: 0x0b, // u8
  KEY_ID: 0x0c, // 32 bytes: SHA-256 of the signing key's SPKI DER
  MEASUREMENT: 0x2c, // 32 bytes
  SIGNER: 0x4c, // 32 bytes
  PRODUCT_ID: 0x6c, // u16
  SVN: 0x6e, // u16
  FLAGS: 0x70, // u8, bit 0 debug; other bits reserved (zero)
  RESERVED: 0x71, // 7 bytes, zero
  ISSUED_AT: 0x78, // u64, Unix time in milliseconds
  REPORT_DATA: 0x80, // 64 bytes
  SIGNATURE: 0xc0, // 64 bytes: ECDSA P-256/SHA-256, r || s big-endian (IEEE P1363)
} as const;

export const SIM_SIZE = {
  MAGIC: SIM_MAGIC.length,
  KEY_ID: 32,
  MEASUREMENT: 32,
  SIGNER: 32,
  RESERVED: 7,
  REPORT_DATA: 64,
  SIGNATURE: 64,
  /** Everything before the signature: the signed bytes. */
  SIGNED: 0xc0,
  TOTAL: 0x100,
} as const;

export const SIM_FLAG_DEBUG = 0x01;
export const SIM_FLAGS_RESERVED = 0xfe;

/** True when `bytes` start with the simulated-evidence magic (whatever follows). */
export function hasSimMagic(bytes: Uint8Array): boolean {
  if (bytes.length < SIM_MAGIC.length) return false;
  for (let i = 0; i < SIM_MAGIC.length; i++) if (bytes[i] !== SIM_MAGIC[i]) return false;
  return true;
}
