import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConfideError } from '@confide/core';
import type { Claims } from '@confide/evidence';
import {
  applyPackageUpdate, diffManifest, isEmptyDiff, isPackageUpdate, matchPackage, parseManifest, readManifest, validatePackageUpdate,
  type PackageMatch, type PackageProperties,
} from '../src/manifest/index.js';
import { fixtureJson, fixtureText, ids } from './manifest-helpers.js';

const MRENCLAVE = '9b1e4d7c2a6f08e35d91c4b7a2e60f8d13c5b9a7e4f2d80c6a1b3e5d7f9c2a40';
const MRSIGNER = '3f2c9a81d0e44b6fa7c1e2d95b08f6a4c3e71d2b9f5a60e8d4c7b1a3f9e2d605';

/** Claims with only the fields the package match reads (TEE details partial, hence the cast). */
function claims(over: Record<string, unknown>): Claims {
  return {
    tee: 'sgx', debug: false, measurement: MRENCLAVE, signer: MRSIGNER, productId: 10, svn: 4, reportData: '00'.repeat(64),
    tcbStatus: 'UpToDate', advisoryIds: [], collateralExpired: false, expiredCollateral: [], verifiedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  } as unknown as Claims;
}

function failed(r: PackageMatch): string[] {
  return r.ok ? [] : r.failed;
}

const signerPkg: PackageProperties = { SignerID: MRSIGNER.toUpperCase(), ProductID: 10, SecurityVersion: 4, Debug: false };

test('sgx: the signer triple matches case-insensitively, SVN as a minimum', () => {
  assert.deepEqual(matchPackage(signerPkg, claims({})), { ok: true });
  assert.deepEqual(matchPackage(signerPkg, claims({ svn: 9 })), { ok: true });
  assert.deepEqual(failed(matchPackage(signerPkg, claims({ svn: 3 }))), ['security-version']);
  assert.deepEqual(failed(matchPackage(signerPkg, claims({ productId: 11, signer: 'ff'.repeat(32) }))), ['signer-id', 'product-id']);
  assert.deepEqual(failed(matchPackage(signerPkg, claims({ debug: true }))), ['debug']);
  const r = matchPackage(signerPkg, claims({ svn: 1 }));
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.reasons[0]!.startsWith('security-version: '));
});

test('sgx: UniqueID pins the enclave; a Debug package without identity matches any debug enclave', () => {
  assert.deepEqual(matchPackage({ UniqueID: MRENCLAVE, Debug: false }, claims({ svn: 0 })), { ok: true });
  assert.deepEqual(failed(matchPackage({ UniqueID: 'aa'.repeat(32), Debug: false }, claims({}))), ['unique-id']);
  assert.deepEqual(matchPackage({ Debug: true }, claims({ debug: true })), { ok: true });
});

test('the TEE kind must match; sgx is the default', () => {
  assert.deepEqual(failed(matchPackage(signerPkg, claims({ tee: 'sim' }))), ['tee']);
  assert.deepEqual(matchPackage({ ...signerPkg, Tee: 'sim' }, claims({ tee: 'sim' })), { ok: true });
  assert.deepEqual(failed(matchPackage({ ...signerPkg, Tee: 'tdx' }, claims({}))), ['tee']);
});

test('TCB status: default list, explicit list, advisories only for SWHardeningNeeded', () => {
  assert.deepEqual(matchPackage(signerPkg, claims({ tcbStatus: 'SWHardeningNeeded', advisoryIds: ['INTEL-SA-00615'] })), { ok: true });
  assert.deepEqual(failed(matchPackage(signerPkg, claims({ tcbStatus: 'OutOfDate' }))), ['tcb-status']);
  assert.deepEqual(matchPackage({ ...signerPkg, AcceptedTCBStatuses: [] }, claims({ tcbStatus: 'SWHardeningNeeded' })), { ok: true });
  const outOfDateOk = { ...signerPkg, AcceptedTCBStatuses: ['OutOfDate'] };
  assert.deepEqual(matchPackage(outOfDateOk, claims({ tcbStatus: 'OutOfDate', advisoryIds: ['INTEL-SA-00999'] })), { ok: true });
  // edgelesssys/marblerun internal/tcb CheckStatus: UpToDate is accepted whatever the list says;
  // a list without SWHardeningNeeded refuses it (statuses compare exactly, as slices.Contains).
  assert.deepEqual(matchPackage(outOfDateOk, claims({})), { ok: true });
  assert.deepEqual(failed(matchPackage(outOfDateOk, claims({ tcbStatus: 'SWHardeningNeeded' }))), ['tcb-status']);
  assert.deepEqual(failed(matchPackage({ ...signerPkg, AcceptedTCBStatuses: ['swhardeningneeded'] }, claims({ tcbStatus: 'SWHardeningNeeded' }))), ['tcb-status']);
  const advised = { ...signerPkg, AcceptedAdvisories: ['INTEL-SA-00615'] };
  assert.deepEqual(matchPackage(advised, claims({ tcbStatus: 'SWHardeningNeeded', advisoryIds: ['INTEL-SA-00615'] })), { ok: true });
  assert.deepEqual(failed(matchPackage(advised, claims({ tcbStatus: 'SWHardeningNeeded', advisoryIds: ['INTEL-SA-00615', 'INTEL-SA-00657'] }))), ['advisory']);
  // CheckAdvisories compares with strings.EqualFold.
  assert.deepEqual(matchPackage({ ...signerPkg, AcceptedAdvisories: ['intel-sa-00615', 'Intel-SA-00657'] }, claims({ tcbStatus: 'SWHardeningNeeded', advisoryIds: ['INTEL-SA-00615', 'INTEL-SA-00657'] })), { ok: true });
  const anyStatus = { ...advised, AcceptedTCBStatuses: ['ConfigurationAndSWHardeningNeeded'] };
  assert.deepEqual(matchPackage(anyStatus, claims({ tcbStatus: 'ConfigurationAndSWHardeningNeeded', advisoryIds: ['INTEL-SA-00657'] })), { ok: true });
});

test('expired collateral is refused unless CollateralExpired is accepted', () => {
  const expired = claims({ collateralExpired: true, expiredCollateral: ['tcbInfo'] });
  assert.deepEqual(failed(matchPackage(signerPkg, expired)), ['collateral-expired']);
  assert.deepEqual(matchPackage({ ...signerPkg, AcceptedTCBStatuses: ['UpToDate', 'CollateralExpired'] }, expired), { ok: true });
});

test('sev-snp: measurement, host data, ID key digest, guest SVN', () => {
  const snpClaims = claims({
    tee: 'sev-snp', measurement: 'ab'.repeat(48), signer: undefined, productId: undefined, svn: 3,
    sevSnp: { guestSvn: 3, hostData: 'cd'.repeat(32), idKeyDigest: 'ef'.repeat(48) },
  });
  const pkg: PackageProperties = { Tee: 'sev-snp', Measurement: 'AB'.repeat(48), HostData: 'cd'.repeat(32), IdKeyDigest: 'ef'.repeat(48), GuestSvn: 3, Debug: false };
  assert.deepEqual(matchPackage(pkg, snpClaims), { ok: true });
  assert.deepEqual(failed(matchPackage({ ...pkg, GuestSvn: 4, SecurityVersion: 4 }, snpClaims)), ['guest-svn', 'security-version']);
  assert.deepEqual(failed(matchPackage({ ...pkg, HostData: '00'.repeat(32), IdKeyDigest: '00'.repeat(48) }, snpClaims)), ['host-data', 'id-key-digest']);
  assert.deepEqual(failed(matchPackage({ ...pkg, Measurement: '00'.repeat(48) }, snpClaims)), ['measurement']);
});

test('tdx: MRTD, RTMRs, MRCONFIGID', () => {
  const tdxClaims = claims({
    tee: 'tdx', measurement: '11'.repeat(48), signer: undefined, productId: undefined, svn: undefined,
    tdx: { mrtd: '11'.repeat(48), rtmrs: ['20'.repeat(48), '21'.repeat(48), '22'.repeat(48), '23'.repeat(48)], mrConfigId: '00'.repeat(48) },
  });
  const pkg: PackageProperties = { Tee: 'tdx', MRTD: '11'.repeat(48), RTMR0: '20'.repeat(48), RTMR3: '23'.repeat(48), MrConfigId: '00'.repeat(48), Debug: false };
  assert.deepEqual(matchPackage(pkg, tdxClaims), { ok: true });
  assert.deepEqual(failed(matchPackage({ ...pkg, RTMR2: '99'.repeat(48) }, tdxClaims)), ['rtmr']);
  assert.deepEqual(failed(matchPackage({ ...pkg, MRTD: '12'.repeat(48), MrConfigId: '01'.repeat(48) }, tdxClaims)), ['mrtd', 'mr-config-id']);
});

test('sim: matched like sgx by UniqueID or the signer triple', () => {
  const simClaims = claims({ tee: 'sim', measurement: 'aa'.repeat(32), signer: '00'.repeat(32), productId: 0, svn: 0 });
  assert.deepEqual(matchPackage({ Tee: 'sim', UniqueID: 'AA'.repeat(32), Debug: false }, simClaims), { ok: true });
  assert.deepEqual(failed(matchPackage({ Tee: 'sim', SignerID: '00'.repeat(32), ProductID: 0, SecurityVersion: 1, Debug: false }, simClaims)), ['security-version']);
});

const docsManifest = (): ReturnType<typeof parseManifest> => parseManifest(fixtureText('docs-define-manifest.json'));

test('the documented package update raises frontend SecurityVersion', () => {
  const current = docsManifest();
  const update = parseManifest(fixtureText('update-frontend.json'));
  assert.equal(isPackageUpdate(update), true);
  assert.deepEqual(validatePackageUpdate(current, update), { errors: [], warnings: [] });
  const next = applyPackageUpdate(current, fixtureText('update-frontend.json'));
  assert.equal(next.Packages.frontend?.SecurityVersion, 5);
  assert.equal(current.Packages.frontend?.SecurityVersion, 3);
  assert.equal(next.Packages.frontend?.SignerID, current.Packages.frontend?.SignerID);
  assert.deepEqual(diffManifest(current, next).Packages, { added: [], removed: [], changed: ['frontend'] });
});

test('package update rules: existing packages, only SecurityVersion, no decrease, nothing else', () => {
  const current = docsManifest();
  const check = (update: unknown): string[] => ids(validatePackageUpdate(current, readManifest(update).manifest).errors);
  assert.deepEqual(check({ Packages: { frontend: { SecurityVersion: 2 } } }), ['update.version-decrease@Packages.frontend.SecurityVersion']);
  assert.deepEqual(check({ Packages: { frontend: { SecurityVersion: 3, Debug: false } } }), []);
  assert.deepEqual(check({ Packages: { nope: { SecurityVersion: 9 } } }), ['update.package-unknown@Packages.nope']);
  assert.deepEqual(check({ Packages: { frontend: { SecurityVersion: 9, ProductID: 1, Debug: true } } }), [
    'update.field-not-updatable@Packages.frontend.Debug',
    'update.field-not-updatable@Packages.frontend.ProductID',
  ]);
  assert.deepEqual(check({ Packages: { frontend: {} } }), ['update.security-version-missing@Packages.frontend.SecurityVersion']);
  assert.deepEqual(check({ Packages: {} }), ['update.no-packages@Packages']);
  assert.deepEqual(check({ Packages: { frontend: { SecurityVersion: 9 } }, Secrets: { s: { Type: 'plain', UserDefined: true } }, Config: { SealMode: 'UniqueKey' } }), [
    'update.not-packages-only@Secrets',
    'update.not-packages-only@Config',
  ]);
  assert.throws(() => applyPackageUpdate(current, { Packages: { frontend: { SecurityVersion: 1 } } }), (err: unknown) => {
    assert.ok(isConfideError(err, 'ERR_MANIFEST_INVALID'));
    assert.deepEqual(ids(err.details?.violations as never), ['update.version-decrease@Packages.frontend.SecurityVersion']);
    return true;
  });
});

test('sev-snp packages also take a GuestSvn update', () => {
  const current = readManifest({
    Packages: { vm: { Tee: 'sev-snp', Measurement: 'ab'.repeat(48), GuestSvn: 2 } },
    Marbles: { m: { Package: 'vm' } },
  }).manifest;
  assert.deepEqual(ids(validatePackageUpdate(current, readManifest({ Packages: { vm: { GuestSvn: 1 } } }).manifest).errors), ['update.version-decrease@Packages.vm.GuestSvn']);
  assert.equal(applyPackageUpdate(current, { Packages: { vm: { GuestSvn: 3 } } }).Packages.vm?.GuestSvn, 3);
});

test('diffManifest lists added, removed and changed names and Config fields', () => {
  const before = parseManifest(fixtureText('confide-full.json'));
  const json = fixtureJson('confide-full.json');
  delete json.Marbles.worker;
  json.Marbles.batch = { Package: 'worker-pkg' };
  json.Secrets.webSessionKey.Size = 256;
  json.Config.RotateRootSecret = true;
  const after = readManifest(json).manifest;
  const d = diffManifest(before, after);
  assert.deepEqual(d.Marbles, { added: ['batch'], removed: ['worker'], changed: [] });
  assert.deepEqual(d.Secrets, { added: [], removed: [], changed: ['webSessionKey'] });
  assert.deepEqual(d.Config, ['RotateRootSecret']);
  assert.equal(isEmptyDiff(diffManifest(before, parseManifest(fixtureText('confide-full.json')))), true);
});
