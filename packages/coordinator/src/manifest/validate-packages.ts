/** Package rules: identity fields per TEE (MarbleRun's UniqueID XOR signer triple for SGX), formats, TCB lists. */
import { PACKAGE_TEES, type Manifest, type PackageProperties, type PackageTee } from './types.js';
import type { ViolationList } from './violation.js';

type PackageField = keyof PackageProperties;

/** Fields that only make sense for some TEEs. */
const FIELD_TEES: Partial<Record<PackageField, readonly PackageTee[]>> = {
  UniqueID: ['sgx', 'sim'],
  SignerID: ['sgx', 'sim'],
  ProductID: ['sgx', 'sim'],
  SecurityVersion: ['sgx', 'sim', 'sev-snp'],
  Measurement: ['sev-snp'],
  HostData: ['sev-snp'],
  IdKeyDigest: ['sev-snp'],
  GuestSvn: ['sev-snp'],
  MRTD: ['tdx'],
  RTMR0: ['tdx'],
  RTMR1: ['tdx'],
  RTMR2: ['tdx'],
  RTMR3: ['tdx'],
  MrConfigId: ['tdx'],
};

/** Byte lengths of the Confide measurement fields. */
const HEX_BYTES: Partial<Record<PackageField, number>> = {
  Measurement: 48, HostData: 32, IdKeyDigest: 48, MRTD: 48, RTMR0: 48, RTMR1: 48, RTMR2: 48, RTMR3: 48, MrConfigId: 48,
};

/** Intel's TCB status names (as MarbleRun/EGo spell them) and Confide's pseudo status. */
const KNOWN_TCB_STATUSES: readonly string[] = [
  'UpToDate', 'SWHardeningNeeded', 'ConfigurationNeeded', 'ConfigurationAndSWHardeningNeeded', 'OutOfDate',
  'OutOfDateConfigurationNeeded', 'Revoked', 'NotSupported', 'CollateralExpired',
];

const ADVISORY = /^INTEL-SA-\d{5}$/;

function isHex(s: string, bytes: number): boolean {
  return s.length === bytes * 2 && /^[0-9a-fA-F]*$/.test(s);
}

function checkSgxIdentity(name: string, pkg: PackageProperties, soft: boolean, v: ViolationList): void {
  const at = ['Packages', name];
  const signerPart = pkg.SignerID !== undefined || pkg.ProductID !== undefined || pkg.SecurityVersion !== undefined;
  if (pkg.UniqueID !== undefined && signerPart) {
    v.errorUnless(soft, 'package.identity-mixed', at, 'give either UniqueID or SignerID, ProductID and SecurityVersion, not both');
  } else if (pkg.UniqueID === undefined) {
    for (const field of ['SignerID', 'ProductID', 'SecurityVersion'] as const) {
      if (pkg[field] === undefined) v.errorUnless(soft, 'package.identity-incomplete', [...at, field], `${field} is missing (needed without UniqueID)`);
    }
  }
  for (const field of ['UniqueID', 'SignerID'] as const) {
    const value = pkg[field];
    if (value !== undefined && !isHex(value, 32)) v.warn('package.id-not-hex', [...at, field], `${field} is not 32 bytes of hex; no enclave will match`);
  }
  for (const field of ['ProductID', 'SecurityVersion'] as const) {
    const value = pkg[field];
    if (value !== undefined && value > 0xffff) v.warn('package.value-range', [...at, field], `${field} ${value} is above 65535, the largest value the TEE reports`);
  }
}

function checkPackage(name: string, pkg: PackageProperties, used: boolean, v: ViolationList): void {
  const at = ['Packages', name];
  const soft = pkg.Debug || !used;
  if (!used) v.warn('package.unused', at, 'no marble uses this package');
  if (pkg.Debug) v.warn('package.debug', [...at, 'Debug'], 'debug enclaves are not confidential; use only for development');
  const tee = pkg.Tee ?? 'sgx';
  if (!PACKAGE_TEES.includes(tee)) {
    v.error('package.tee-unknown', [...at, 'Tee'], `unknown Tee "${tee}" (sgx, sev-snp, tdx, sim)`);
    return;
  }
  for (const [field, tees] of Object.entries(FIELD_TEES) as [PackageField, readonly PackageTee[]][]) {
    if (pkg[field] !== undefined && !tees.includes(tee)) v.error('package.tee-field-mismatch', [...at, field], `${field} does not apply to a ${tee} package`);
  }
  for (const [field, bytes] of Object.entries(HEX_BYTES) as [PackageField, number][]) {
    const value = pkg[field];
    if (typeof value === 'string' && !isHex(value, bytes)) v.error('package.hex-invalid', [...at, field], `${field} must be ${bytes} bytes of hex`);
  }
  if (tee === 'sgx' || tee === 'sim') checkSgxIdentity(name, pkg, soft, v);
  else if (tee === 'sev-snp') {
    if (pkg.Measurement === undefined && pkg.IdKeyDigest === undefined) {
      v.errorUnless(soft, 'package.identity-incomplete', [...at, 'Measurement'], 'a sev-snp package needs Measurement or IdKeyDigest');
    }
  } else if (pkg.MRTD === undefined) {
    v.errorUnless(soft, 'package.identity-incomplete', [...at, 'MRTD'], 'a tdx package needs MRTD');
  }
  pkg.AcceptedTCBStatuses?.forEach((s, i) => {
    if (!KNOWN_TCB_STATUSES.includes(s)) v.warn('package.tcb-status-unknown', [...at, 'AcceptedTCBStatuses', i], `"${s}" is not a TCB status; it never matches`);
  });
  pkg.AcceptedAdvisories?.forEach((s, i) => {
    if (!ADVISORY.test(s)) v.warn('package.advisory-format', [...at, 'AcceptedAdvisories', i], `"${s}" is not an INTEL-SA-nnnnn ID`);
  });
}

/** Checks every package; those no marble uses get warnings only, as MarbleRun checks only used ones. */
export function validatePackages(m: Manifest, v: ViolationList): void {
  if (Object.keys(m.Packages).length === 0) v.error('manifest.no-packages', ['Packages'], 'no packages defined');
  const used = new Set(Object.values(m.Marbles).map((marble) => marble.Package));
  for (const [name, pkg] of Object.entries(m.Packages)) checkPackage(name, pkg, used.has(name), v);
}
