/** The typed view of an SEV-SNP attestation report; it keeps the raw bytes and the signed range. */
import { isAllZero } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { readU32, readU64 } from '../binary-reader.js';
import { OFF, REPORT_SIZE, SIGNATURE_RESERVED, SIGNED_END, SIGNING_KEY, SIZE, SUPPORTED_VERSIONS } from './layout.js';

export type SnpSigningKey = 'vcek' | 'vlek' | 'none';

/** Firmware version triple (CURRENT_* / COMMITTED_* bytes). */
export interface SnpFirmwareVersion {
  major: number;
  minor: number;
  build: number;
}

export interface SnpReport {
  /** The whole 1184-byte report. */
  raw: Uint8Array;
  /** The bytes the signature covers: raw[0, 0x2A0). */
  signed: Uint8Array;
  signedRange: { start: number; end: number };
  version: number;
  guestSvn: number;
  policy: bigint;
  familyId: Uint8Array;
  imageId: Uint8Array;
  vmpl: number;
  signatureAlgo: number;
  currentTcb: Uint8Array;
  platformInfo: bigint;
  signerInfo: number;
  authorKeyEn: boolean;
  maskChipKey: boolean;
  signingKey: SnpSigningKey;
  reportData: Uint8Array;
  measurement: Uint8Array;
  hostData: Uint8Array;
  idKeyDigest: Uint8Array;
  authorKeyDigest: Uint8Array;
  reportId: Uint8Array;
  reportIdMa: Uint8Array;
  reportedTcb: Uint8Array;
  /** Version 3 and later; undefined in version 2, where these bytes are reserved. */
  cpuid: { family: number; model: number; stepping: number } | undefined;
  chipId: Uint8Array;
  committedTcb: Uint8Array;
  currentVersion: SnpFirmwareVersion;
  committedVersion: SnpFirmwareVersion;
  launchTcb: Uint8Array;
  /** Version 5 and later. */
  launchMitVector: bigint | undefined;
  currentMitVector: bigint | undefined;
  /** ECDSA R and S as stored: 72 bytes each, little-endian. */
  signatureR: Uint8Array;
  signatureS: Uint8Array;
}

function signingKeyOf(signerInfo: number): SnpSigningKey {
  const field = (signerInfo >>> 2) & 0x7;
  if (field === SIGNING_KEY.VCEK) return 'vcek';
  if (field === SIGNING_KEY.VLEK) return 'vlek';
  if (field === SIGNING_KEY.NONE) return 'none';
  throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `SNP report SIGNING_KEY ${field} is reserved`);
}

/**
 * Parses an SEV-SNP attestation report (versions 2, 3 and 5). The view's byte fields are
 * subarrays of `bytes`, which must not change afterwards.
 * Throws ERR_EVIDENCE_MALFORMED (not 1184 bytes, non-zero bytes in the signature field's
 * reserved part), ERR_EVIDENCE_UNSUPPORTED (other version, reserved signing key).
 */
export function parseSnpReport(bytes: Uint8Array): SnpReport {
  if (bytes.length !== REPORT_SIZE) {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `SNP report is ${bytes.length} bytes, expected ${REPORT_SIZE}`);
  }
  // The signature field is R, S, then reserved bytes that the signature does not cover: anything
  // there is not the firmware's, and would change the report's bytes (and any hash of them) only.
  if (!isAllZero(bytes.subarray(SIGNATURE_RESERVED, REPORT_SIZE))) {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', 'SNP report has non-zero bytes in the reserved part of its signature field', {
      details: { field: 'signature.reserved' },
    });
  }
  const version = readU32(bytes, OFF.VERSION);
  if (!SUPPORTED_VERSIONS.includes(version)) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `SNP report version ${version} is not supported`, { details: { version } });
  }
  const at = (offset: number, size: number): Uint8Array => bytes.subarray(offset, offset + size);
  const signerInfo = readU32(bytes, OFF.SIGNER_INFO);
  const v3 = version >= 3;
  const v5 = version >= 5;
  return {
    raw: bytes,
    signed: bytes.subarray(0, SIGNED_END),
    signedRange: { start: 0, end: SIGNED_END },
    version,
    guestSvn: readU32(bytes, OFF.GUEST_SVN),
    policy: readU64(bytes, OFF.POLICY),
    familyId: at(OFF.FAMILY_ID, SIZE.FAMILY_ID),
    imageId: at(OFF.IMAGE_ID, SIZE.IMAGE_ID),
    vmpl: readU32(bytes, OFF.VMPL),
    signatureAlgo: readU32(bytes, OFF.SIGNATURE_ALGO),
    currentTcb: at(OFF.CURRENT_TCB, SIZE.TCB),
    platformInfo: readU64(bytes, OFF.PLATFORM_INFO),
    signerInfo,
    authorKeyEn: (signerInfo & 1) !== 0,
    maskChipKey: (signerInfo & 2) !== 0,
    signingKey: signingKeyOf(signerInfo),
    reportData: at(OFF.REPORT_DATA, SIZE.REPORT_DATA),
    measurement: at(OFF.MEASUREMENT, SIZE.MEASUREMENT),
    hostData: at(OFF.HOST_DATA, SIZE.HOST_DATA),
    idKeyDigest: at(OFF.ID_KEY_DIGEST, SIZE.ID_KEY_DIGEST),
    authorKeyDigest: at(OFF.AUTHOR_KEY_DIGEST, SIZE.AUTHOR_KEY_DIGEST),
    reportId: at(OFF.REPORT_ID, SIZE.REPORT_ID),
    reportIdMa: at(OFF.REPORT_ID_MA, SIZE.REPORT_ID_MA),
    reportedTcb: at(OFF.REPORTED_TCB, SIZE.TCB),
    cpuid: v3
      ? { family: bytes[OFF.CPUID_FAM_ID]!, model: bytes[OFF.CPUID_MOD_ID]!, stepping: bytes[OFF.CPUID_STEP]! }
      : undefined,
    chipId: at(OFF.CHIP_ID, SIZE.CHIP_ID),
    committedTcb: at(OFF.COMMITTED_TCB, SIZE.TCB),
    currentVersion: { major: bytes[OFF.CURRENT_MAJOR]!, minor: bytes[OFF.CURRENT_MINOR]!, build: bytes[OFF.CURRENT_BUILD]! },
    committedVersion: { major: bytes[OFF.COMMITTED_MAJOR]!, minor: bytes[OFF.COMMITTED_MINOR]!, build: bytes[OFF.COMMITTED_BUILD]! },
    launchTcb: at(OFF.LAUNCH_TCB, SIZE.TCB),
    launchMitVector: v5 ? readU64(bytes, OFF.LAUNCH_MIT_VECTOR) : undefined,
    currentMitVector: v5 ? readU64(bytes, OFF.CURRENT_MIT_VECTOR) : undefined,
    signatureR: at(OFF.SIGNATURE, SIZE.SIG_COMPONENT),
    signatureS: at(OFF.SIGNATURE + SIZE.SIG_COMPONENT, SIZE.SIG_COMPONENT),
  };
}
