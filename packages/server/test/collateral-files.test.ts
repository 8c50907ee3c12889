import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { toHex } from '@confide/core';
import { parseDcapQvlCollateral, type AmdCollateralRequest } from '@confide/evidence';
import { vector as bytes, vectorPath as v, vectorsMissing } from '@confide/test-kit/vectors';
import { loadCollateral, loadCollateralItems } from '../src/evidence-files/index.js';

const TINFOIL = 'tdx/tinfoilsh-verifier-collateral';

function snpRequest(reportPath: string, product: AmdCollateralRequest['product']): AmdCollateralRequest {
  const r = bytes(reportPath);
  // SEV-SNP ABI Table 23: REPORTED_TCB at 0x180, CHIP_ID at 0x1A0.
  return { product, keyType: 'vcek', reportedTcb: toHex(r.subarray(0x180, 0x188)), chipId: toHex(r.subarray(0x1a0, 0x1e0)) };
}

function place(root: string, rel: string, content: Uint8Array | string): void {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

async function codeOf(p: Promise<unknown>): Promise<{ code?: string; path?: unknown }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; details?: { path?: unknown } };
    return { code: e.code, path: e.details?.path };
  }
  return {};
}

test('a directory in the documented offline layout serves Intel and AMD collateral', { skip: vectorsMissing }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'confide-collateral-'));
  try {
    place(root, 'intel/root-ca-crl.der', bytes(`${TINFOIL}/root_ca.crl`));
    place(root, 'intel/pck-crl-platform.der', bytes(`${TINFOIL}/pck_crl_platform.crl`));
    place(root, 'intel/pck-crl-platform-issuer-chain.pem', bytes(`${TINFOIL}/pck_crl_platform_chain.txt`)); // URL-encoded, as served
    place(root, 'intel/pck-crl-processor.der', bytes(`${TINFOIL}/pck_crl_processor.crl`));
    place(root, 'intel/pck-crl-processor-issuer-chain.pem', decodeURIComponent(readFileSync(v(`${TINFOIL}/pck_crl_processor_chain.txt`), 'utf8')));
    place(root, 'intel/tcb-signing-chain.pem', bytes(`${TINFOIL}/tcb_info_90c06f000000_chain.txt`));
    place(root, 'intel/tdx/qe-identity.json', bytes(`${TINFOIL}/qe_identity.json`));
    place(root, 'intel/tdx/90c06f000000/tcb-info.json', bytes(`${TINFOIL}/tcb_info_90c06f000000.json`));
    place(root, 'intel/tdx/00a06d080000/tcb-info.json', bytes(`${TINFOIL}/tcb_info_00a06d080000.json`));
    place(root, 'amd/Milan/cert-chain.pem', bytes('sev-snp/amd-roots-go-sev-guest/ask_ark_milan.pem'));
    place(root, 'amd/Milan/vcek-3ac3fe21.der', bytes('sev-snp/google-go-sev-guest/vcek.der'));
    place(root, 'amd/Turin/cert-chain.pem', bytes('sev-snp/amd-roots-go-sev-guest/ask_ark_turin_vcek.pem'));
    place(root, 'amd/Turin/vcek.der', bytes('sev-snp/project-oak/turin_vcek.der'));
    place(root, 'README.md', '# notes, not collateral\n');
    place(root, '.hidden/broken.json', '{"tcb_info": 1}');

    const p = await loadCollateral([root]);
    for (const fmspc of ['90c06f000000', '00a06d080000']) {
      const want = parseDcapQvlCollateral(readFileSync(v(`${TINFOIL}/collateral_dcap_qvl_format_${fmspc}_platform.json`), 'utf8'));
      const got = await p.intel({ tee: 'tdx', fmspc, ca: 'platform' });
      assert.ok(got, fmspc);
      assert.equal(got.tcbInfo.body, want.tcbInfo.body);
      assert.equal(got.tcbInfo.signature, want.tcbInfo.signature);
      assert.equal(got.qeIdentity.body, want.qeIdentity.body);
      assert.deepEqual(got.pckCrl, want.pckCrl);
      assert.deepEqual(got.rootCaCrl, want.rootCaCrl);
      assert.equal(got.tcbInfo.issuerChain.match(/BEGIN CERTIFICATE/g)?.length, 2);
      assert.equal(got.pckCrlIssuerChain.match(/BEGIN CERTIFICATE/g)?.length, 2);
    }
    const processor = await p.intel({ tee: 'tdx', fmspc: '90c06f000000', ca: 'processor' });
    assert.deepEqual(processor?.pckCrl, bytes(`${TINFOIL}/pck_crl_processor.crl`));
    assert.equal(await p.intel({ tee: 'sgx', fmspc: '90c06f000000', ca: 'platform' }), undefined);

    const milan = await p.amd(snpRequest('sev-snp/google-go-sev-guest/attestation.bin', 'Milan'));
    assert.deepEqual(milan?.vek, bytes('sev-snp/google-go-sev-guest/vcek.der'));
    assert.equal(milan?.chain?.length, 2);
    const turin = await p.amd(snpRequest('sev-snp/project-oak/turin_snp_report.bin', undefined));
    assert.deepEqual(turin?.vek, bytes('sev-snp/project-oak/turin_vcek.der'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('single vector files: dcap-qvl JSON, a DER VCEK, a PEM VCEK+ASK+ARK chain', { skip: vectorsMissing }, async () => {
  const sgx = await loadCollateral([v('sgx/phala-dcap-qvl/sgx_quote_collateral.json')]);
  const want = parseDcapQvlCollateral(readFileSync(v('sgx/phala-dcap-qvl/sgx_quote_collateral.json'), 'utf8'));
  assert.equal((await sgx.intel({ tee: 'sgx', fmspc: '00a067110000', ca: 'processor' }))?.tcbInfo.body, want.tcbInfo.body);

  const der = await loadCollateral([v('sev-snp/google-go-sev-guest/vcek.der')]);
  const got = await der.amd(snpRequest('sev-snp/google-go-sev-guest/attestation.bin', undefined));
  assert.deepEqual(got?.vek, bytes('sev-snp/google-go-sev-guest/vcek.der'));
  assert.equal(got?.chain, undefined);

  const pem = await loadCollateral([v('azure/trustee-az-snp-vtpm/vcek.pem')]);
  const hcl = bytes('azure/trustee-az-snp-vtpm/hcl-report.bin').subarray(32, 32 + 1184);
  const req: AmdCollateralRequest = { product: 'Milan', keyType: 'vcek', reportedTcb: toHex(hcl.subarray(0x180, 0x188)), chipId: toHex(hcl.subarray(0x1a0, 0x1e0)) };
  const fromPem = await pem.amd(req);
  assert.ok(fromPem?.vek);
  assert.equal(fromPem?.chain?.length, 2);
});

test('whole vector directories load, with non-collateral files skipped', { skip: vectorsMissing }, async () => {
  const items = await loadCollateralItems([v('sgx/mobilecoin-attestation'), v(TINFOIL)]);
  assert.ok(items.some((i) => i.kind === 'intel'));
  assert.ok(items.some((i) => i.kind === 'intel-tcb-info'));
  const p = await loadCollateral([v('sgx/mobilecoin-attestation'), v(TINFOIL)]);
  const want = parseDcapQvlCollateral(readFileSync(v('sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json'), 'utf8'));
  assert.equal((await p.intel({ tee: 'sgx', fmspc: '00906ed50000', ca: 'processor' }))?.tcbInfo.body, want.tcbInfo.body);
  assert.ok(await p.intel({ tee: 'tdx', fmspc: '00a06d080000', ca: 'platform' }));
});

test('missing, unreadable and broken files throw ERR_INPUT_UNREADABLE naming the file', { skip: vectorsMissing }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'confide-collateral-'));
  try {
    const missing = join(root, 'nope');
    assert.deepEqual(await codeOf(loadCollateral([missing])), { code: 'ERR_INPUT_UNREADABLE', path: missing });
    const quote = v('sgx/phala-dcap-qvl/sgx_quote');
    assert.deepEqual(await codeOf(loadCollateral([quote])), { code: 'ERR_INPUT_UNREADABLE', path: quote });
    const empty = join(root, 'empty');
    mkdirSync(empty);
    assert.deepEqual(await codeOf(loadCollateral([empty])), { code: 'ERR_INPUT_UNREADABLE', path: empty });
    const broken = join(root, 'dir', 'collateral.json');
    place(root, 'dir/collateral.json', readFileSync(v('sgx/phala-dcap-qvl/sgx_quote_collateral.json'), 'utf8').replace('"root_ca_crl"', '"x"'));
    assert.deepEqual(await codeOf(loadCollateral([join(root, 'dir')])), { code: 'ERR_INPUT_UNREADABLE', path: broken });
    const badPem = join(root, 'bad.pem');
    writeFileSync(badPem, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    assert.deepEqual(await codeOf(loadCollateral([badPem])), { code: 'ERR_INPUT_UNREADABLE', path: badPem });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
