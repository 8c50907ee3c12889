/** Maps a verified SEV-SNP report to normalized claims and the raw `sevSnp` claims. */
import { toHex } from '@confide/core';
import type { AmdProduct } from '../collateral/types.js';
import type { SnpClaims } from '../claims.js';
import { decodeGuestPolicy, decodePlatformInfo, policyAllowsDebug } from './policy.js';
import type { SnpReport } from './report.js';
import type { SevSnpClaims } from './sev-snp-claims.js';
import { decodeTcb } from './tcb.js';

export interface SnpClaimInputs {
  report: SnpReport;
  product: AmdProduct;
  verifiedAt: Date;
  expiredCollateral: string[];
  /** The cloud provider named by a VLEK certificate. */
  cspId: string | undefined;
}

const bigHex = (v: bigint): string => `0x${v.toString(16)}`;

/** Builds the claims of an authentic report. */
export function snpClaims({ report: r, product, verifiedAt, expiredCollateral, cspId }: SnpClaimInputs): SnpClaims {
  const sevSnp: SevSnpClaims = {
    version: r.version,
    product,
    guestSvn: r.guestSvn,
    policy: decodeGuestPolicy(r.policy, r.version),
    familyId: toHex(r.familyId),
    imageId: toHex(r.imageId),
    vmpl: r.vmpl,
    signatureAlgo: r.signatureAlgo,
    currentTcb: decodeTcb(r.currentTcb, product),
    reportedTcb: decodeTcb(r.reportedTcb, product),
    committedTcb: decodeTcb(r.committedTcb, product),
    launchTcb: decodeTcb(r.launchTcb, product),
    platformInfo: decodePlatformInfo(r.platformInfo, r.version),
    signerInfo: r.signerInfo,
    authorKeyEn: r.authorKeyEn,
    maskChipKey: r.maskChipKey,
    signingKey: r.signingKey,
    hostData: toHex(r.hostData),
    idKeyDigest: toHex(r.idKeyDigest),
    authorKeyDigest: toHex(r.authorKeyDigest),
    reportId: toHex(r.reportId),
    reportIdMa: toHex(r.reportIdMa),
    chipId: toHex(r.chipId),
    currentVersion: { ...r.currentVersion },
    committedVersion: { ...r.committedVersion },
  };
  if (r.cpuid) sevSnp.cpuid = { ...r.cpuid };
  if (r.launchMitVector !== undefined) sevSnp.launchMitVector = bigHex(r.launchMitVector);
  if (r.currentMitVector !== undefined) sevSnp.currentMitVector = bigHex(r.currentMitVector);
  if (cspId !== undefined) sevSnp.cspId = cspId;
  return {
    tee: 'sev-snp',
    debug: policyAllowsDebug(r.policy),
    measurement: toHex(r.measurement),
    reportData: toHex(r.reportData),
    svn: r.guestSvn,
    // AMD publishes no TCB levels to grade against; a VCEK for this TCB is all KDS says.
    tcbStatus: 'UpToDate',
    advisoryIds: [],
    collateralExpired: expiredCollateral.length > 0,
    expiredCollateral,
    chipId: toHex(r.chipId),
    verifiedAt: verifiedAt.toISOString(),
    sevSnp: { ...sevSnp },
  };
}
