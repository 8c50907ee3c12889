/**
 * Does attested evidence satisfy a manifest package? Mirrors MarbleRun's PackageProperties check
 * (debug equality, hex IDs case-insensitive, SVN as a minimum) and its TCB rules, extended to
 * SEV-SNP and TDX. Only fields the package sets are checked.
 */
import type { Claims } from '@confide/evidence';
import { COLLATERAL_EXPIRED_STATUS, DEFAULT_ACCEPTED_TCB_STATUSES, type PackageProperties } from './types.js';

/** Stable ids of the checks that can fail. */
export type PackageMismatch =
  | 'tee' | 'debug' | 'unique-id' | 'signer-id' | 'product-id' | 'security-version' | 'tcb-status' | 'collateral-expired'
  | 'advisory' | 'measurement' | 'host-data' | 'id-key-digest' | 'guest-svn' | 'mrtd' | 'rtmr' | 'mr-config-id';

export type PackageMatch = { ok: true } | { ok: false; reasons: string[]; failed: PackageMismatch[] };

function sameHex(expected: string, actual: unknown): boolean {
  return typeof actual === 'string' && expected.toLowerCase() === actual.toLowerCase();
}

/** The TCB statuses a package accepts (its list, or the default when absent or empty). */
export function acceptedTcbStatuses(pkg: PackageProperties): readonly string[] {
  return pkg.AcceptedTCBStatuses && pkg.AcceptedTCBStatuses.length > 0 ? pkg.AcceptedTCBStatuses : DEFAULT_ACCEPTED_TCB_STATUSES;
}

/** Checks verified claims against a package. Never throws; every failed check is listed. */
export function matchPackage(pkg: PackageProperties, claims: Claims): PackageMatch {
  const failed: PackageMismatch[] = [];
  const reasons: string[] = [];
  const fail = (id: PackageMismatch, message: string): void => {
    failed.push(id);
    reasons.push(`${id}: ${message}`);
  };
  const tee = pkg.Tee ?? 'sgx';
  if (claims.tee !== tee) {
    fail('tee', `the package is for ${tee}, the evidence is from ${claims.tee}`);
    return { ok: false, reasons, failed };
  }
  if (claims.debug !== pkg.Debug) fail('debug', `the package has Debug ${pkg.Debug}, the evidence has debug ${claims.debug}`);
  const minimum = (id: PackageMismatch, name: string, required: number | undefined, actual: number | undefined): void => {
    if (required !== undefined && (actual === undefined || actual < required)) fail(id, `${name} ${actual ?? 'absent'} is below the required ${required}`);
  };
  const hex = (id: PackageMismatch, name: string, required: string | undefined, actual: unknown): void => {
    if (required !== undefined && !sameHex(required, actual)) fail(id, `${name} ${typeof actual === 'string' ? actual : 'absent'} is not ${required.toLowerCase()}`);
  };

  if (claims.tee === 'sgx' || claims.tee === 'sim') {
    hex('unique-id', 'UniqueID', pkg.UniqueID, claims.measurement);
    hex('signer-id', 'SignerID', pkg.SignerID, claims.signer);
    if (pkg.ProductID !== undefined && claims.productId !== pkg.ProductID) fail('product-id', `ProductID ${claims.productId ?? 'absent'} is not ${pkg.ProductID}`);
    minimum('security-version', 'SecurityVersion', pkg.SecurityVersion, claims.svn);
  } else if (claims.tee === 'sev-snp') {
    const snp = claims.sevSnp;
    hex('measurement', 'Measurement', pkg.Measurement, claims.measurement);
    hex('host-data', 'HostData', pkg.HostData, snp.hostData);
    hex('id-key-digest', 'IdKeyDigest', pkg.IdKeyDigest, snp.idKeyDigest);
    minimum('guest-svn', 'GuestSvn', pkg.GuestSvn, snp.guestSvn);
    minimum('security-version', 'SecurityVersion', pkg.SecurityVersion, claims.svn);
  } else {
    const tdx = claims.tdx;
    hex('mrtd', 'MRTD', pkg.MRTD, claims.measurement);
    (['RTMR0', 'RTMR1', 'RTMR2', 'RTMR3'] as const).forEach((name, i) => {
      hex('rtmr', name, pkg[name], tdx.rtmrs[i]);
    });
    hex('mr-config-id', 'MrConfigId', pkg.MrConfigId, tdx.mrConfigId);
  }

  const accepted = acceptedTcbStatuses(pkg);
  // As MarbleRun's tcb.CheckStatus: UpToDate is always accepted; other statuses only when listed, compared exactly.
  if (claims.tcbStatus !== 'UpToDate' && !accepted.includes(claims.tcbStatus)) fail('tcb-status', `TCB status ${claims.tcbStatus} is not in ${accepted.join(', ')}`);
  if (claims.collateralExpired && !accepted.includes(COLLATERAL_EXPIRED_STATUS)) {
    fail('collateral-expired', `collateral expired (${claims.expiredCollateral.join(', ')}); list ${COLLATERAL_EXPIRED_STATUS} to accept it`);
  }
  // As MarbleRun's tcb.CheckAdvisories: advisories matter only for SWHardeningNeeded, an empty list accepts all, and IDs compare case-insensitively.
  const advisories = new Set((pkg.AcceptedAdvisories ?? []).map((id) => id.toUpperCase()));
  if (claims.tcbStatus === 'SWHardeningNeeded' && advisories.size > 0) {
    const open = claims.advisoryIds.filter((id) => !advisories.has(id.toUpperCase()));
    if (open.length > 0) fail('advisory', `advisories ${open.join(', ')} are not in AcceptedAdvisories`);
  }
  return failed.length === 0 ? { ok: true } : { ok: false, reasons, failed };
}
