/**
 * Byte layout of the SPDM GET_MEASUREMENTS exchange an NVIDIA GPU or NVSwitch answers with
 * (DMTF DSP0274, SPDM 1.1), and the field IDs of NVIDIA's opaque data. NVIDIA's attestation
 * report is the request followed by the response; the response ends with the signature.
 */

/** SPDMVersion 1.1 (major in the high nibble). The only version whose signing NVIDIA's reports follow. */
export const SPDM_VERSION_1_1 = 0x11;

/** DSP0274 1.1, "GET_MEASUREMENTS request message format". */
export const REQUEST = {
  VERSION: 0,
  CODE: 1, // RequestResponseCode 0xE0
  PARAM1: 2, // bit 0: a signature is requested
  PARAM2: 3, // measurement operation: 0 = count, 1..0xFE = one index, 0xFF = all
  NONCE: 4, // 32 bytes, present when a signature is requested
  SLOT_ID: 36, // SlotIDParam (bits 0-3), present when a signature is requested
  BYTES: 37,
} as const;

export const GET_MEASUREMENTS = 0xe0;
export const PARAM1_SIGNATURE_REQUESTED = 0x01;
export const MEASUREMENT_OPERATION_ALL = 0xff;
export const SLOT_ID_MASK = 0x0f;

/** DSP0274 1.1, "Successful MEASUREMENTS response message format"; offsets from the response start. */
export const RESPONSE = {
  VERSION: 0,
  CODE: 1, // 0x60
  PARAM1: 2, // number of measurement indices (only when the request asked for the count)
  PARAM2: 3, // SlotIDParam (bits 0-3)
  NUMBER_OF_BLOCKS: 4,
  RECORD_LENGTH: 5, // u24 little-endian
  RECORD: 8,
} as const;

export const MEASUREMENTS = 0x60;
export const NONCE_BYTES = 32;
/** OpaqueLength is a u16; DSP0274 1.1 caps the opaque data at 1024 bytes. */
export const OPAQUE_LENGTH_BYTES = 2;
export const MAX_OPAQUE_BYTES = 1024;
/** ECDSA P-384 (TPM_ALG_ECDSA_ECC_NIST_P384): r then s, 48 bytes each, big-endian. */
export const SIGNATURE_BYTES = 96;
export const P384_SCALAR_BYTES = 48;

/** DSP0274 1.1, "Measurement block format": Index u8, MeasurementSpecification u8, MeasurementSize u16. */
export const BLOCK_HEADER_BYTES = 4;
/** MeasurementSpecification bit 0: the measurement follows the DMTF format below. */
export const MEASUREMENT_SPEC_DMTF = 0x01;

/** DSP0274 1.1, "DMTF measurement specification format": DMTFSpecMeasurementValueType u8, size u16, value. */
export const DMTF_HEADER_BYTES = 3;
/** DMTFSpecMeasurementValueType bit 7: the value is a raw bit stream, not a digest. */
export const DMTF_RAW_BIT_STREAM = 0x80;
export const DMTF_TYPE_MASK = 0x7f;

/** DMTFSpecMeasurementValueType bits 0-6 (DSP0274 1.1 defines 0-4). */
export const DMTF_VALUE_TYPES: Readonly<Record<number, string>> = {
  0: 'immutableRom',
  1: 'mutableFirmware',
  2: 'hardwareConfiguration',
  3: 'firmwareConfiguration',
  4: 'measurementManifest',
};

/** NVIDIA opaque data: a list of { DataType u16, DataSize u16, Data } little-endian, in any order. */
export const OPAQUE_FIELD_HEADER_BYTES = 4;

/** NVIDIA's opaque data field IDs (nvtrust verifier, `OpaqueData.OPAQUE_DATA_TYPES`). */
export const OPAQUE_FIELD = {
  CERT_ISSUER_NAME: 1,
  CERT_AUTHORITY_KEY_IDENTIFIER: 2,
  DRIVER_VERSION: 3,
  GPU_INFO: 4,
  SKU: 5,
  VBIOS_VERSION: 6,
  MANUFACTURER_ID: 7,
  TAMPER_DETECTION: 8,
  SMC: 9,
  VPR: 10,
  NVDEC0_STATUS: 11,
  MSRSCNT: 12,
  CPRINFO: 13,
  BOARD_ID: 14,
  CHIP_SKU: 15,
  CHIP_SKU_MOD: 16,
  PROJECT: 17,
  PROJECT_SKU: 18,
  PROJECT_SKU_MOD: 19,
  FWID: 20,
  PROTECTED_PCIE_STATUS: 21,
  SWITCH_PDI: 22,
  FLOORSWEPT_PORTS: 23,
  POSITION_ID: 24,
  LOCK_SWITCH_STATUS: 25,
  GPU_LINK_CONN: 32,
  SYS_ENABLE_STATUS: 33,
  OPAQUE_DATA_VERSION: 34,
  CHIP_INFO: 35,
  FEATURE_FLAG: 36,
} as const;

/** MSRSCNT: one u32 little-endian count per measurement index. */
export const MSRSCNT_ENTRY_BYTES = 4;
/** SWITCH_PDI: a list of 8-byte platform device identifiers. */
export const PDI_BYTES = 8;
/** A GPU's VBIOS_VERSION is 8 bytes (u32 LE major part, then the OEM byte); an NVSwitch's is ASCII. */
export const VBIOS_VERSION_BINARY_BYTES = 8;
