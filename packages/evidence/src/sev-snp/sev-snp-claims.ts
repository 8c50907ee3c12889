/**
 * The shape of `Claims.sevSnp`, apart from the code that builds it: the claims union
 * (../claims.ts) names it, and the builder (./claims.ts) needs that union, so one file holding
 * both sides would make the two import each other.
 */
import type { AmdProduct } from '../collateral/types.js';
import type { SnpGuestPolicy, SnpPlatformInfo } from './policy.js';
import type { SnpFirmwareVersion, SnpSigningKey } from './report.js';
import type { SnpTcb } from './tcb.js';

/** The shape of `Claims.sevSnp` for SEV-SNP evidence. Byte fields are lower-case hex. */
export interface SevSnpClaims {
  version: number;
  product: AmdProduct;
  guestSvn: number;
  policy: SnpGuestPolicy;
  familyId: string;
  imageId: string;
  vmpl: number;
  signatureAlgo: number;
  currentTcb: SnpTcb;
  reportedTcb: SnpTcb;
  committedTcb: SnpTcb;
  launchTcb: SnpTcb;
  platformInfo: SnpPlatformInfo;
  signerInfo: number;
  authorKeyEn: boolean;
  maskChipKey: boolean;
  signingKey: SnpSigningKey;
  hostData: string;
  idKeyDigest: string;
  authorKeyDigest: string;
  reportId: string;
  reportIdMa: string;
  chipId: string;
  currentVersion: SnpFirmwareVersion;
  committedVersion: SnpFirmwareVersion;
  /** Version 3 and later. */
  cpuid?: { family: number; model: number; stepping: number };
  /** Version 5 and later, `0x` hex. */
  launchMitVector?: string;
  currentMitVector?: string;
  /** VLEK only: the cloud provider named by the certificate. */
  cspId?: string;
}
