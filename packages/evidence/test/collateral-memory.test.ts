import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '@confide/core';
import {
  collateralItemsFromBytes,
  combineCollateral,
  emptyCollateral,
  memoryCollateral,
  parseDcapQvlCollateral,
  type AmdCollateralRequest,
  type CollateralItem,
} from '../src/index.js';
import { pemCertificates } from '../src/collateral/pem.js';
import { assertSameIntelCollateral } from './collateral-assert.js';
import { vector, vectorText, vectorsMissing } from '@confide/test-kit/vectors';

/** SEV-SNP ABI Table 23: REPORTED_TCB at 0x180 (8 bytes), CHIP_ID at 0x1A0 (64 bytes). */
function snpRequest(reportPath: string, keyType: 'vcek' | 'vlek', product: AmdCollateralRequest['product']): AmdCollateralRequest {
  const r = vector(reportPath);
  return { product, keyType, reportedTcb: toHex(r.subarray(0x180, 0x188)), chipId: toHex(r.subarray(0x1a0, 0x1e0)) };
}

function items(...paths: string[]): CollateralItem[] {
  return paths.flatMap((p) => {
    const found = collateralItemsFromBytes(vector(p));
    assert.ok(found, `${p} is collateral`);
    return found;
  });
}

const derHex = (ders: Uint8Array[] | undefined): string[] => (ders ?? []).map(toHex);

test('a dcap-qvl bundle is found by tee, the FMSPC inside its TCB Info, and the CA of its PCK CRL', { skip: vectorsMissing }, async () => {
  const collateral = parseDcapQvlCollateral(vectorText('sgx/phala-dcap-qvl/sgx_quote_collateral.json'));
  const p = memoryCollateral([{ kind: 'intel', collateral }]);
  assert.equal(await p.intel({ tee: 'sgx', fmspc: '00A067110000', ca: 'processor' }), collateral);
  assert.equal(await p.intel({ tee: 'sgx', fmspc: '00a067110000', ca: 'processor' }), collateral);
  assert.equal(await p.intel({ tee: 'tdx', fmspc: '00a067110000', ca: 'processor' }), undefined);
  assert.equal(await p.intel({ tee: 'sgx', fmspc: '00906ed50000', ca: 'processor' }), undefined);
  // No platform CA CRL among the items: nothing can be assembled.
  assert.equal(await p.intel({ tee: 'sgx', fmspc: '00a067110000', ca: 'platform' }), undefined);
});

test('explicit keys on a bundle override what its contents say', { skip: vectorsMissing }, async () => {
  const collateral = parseDcapQvlCollateral(vectorText('sgx/phala-dcap-qvl/sgx_quote_collateral.json'));
  const p = memoryCollateral([{ kind: 'intel', collateral, fmspc: 'AABBCCDDEEFF' }]);
  assert.equal(await p.intel({ tee: 'sgx', fmspc: 'aabbccddeeff', ca: 'processor' }), collateral);
});

test('a bundle for the other PCK CA is completed with a loose CRL of the requested CA', { skip: vectorsMissing }, async () => {
  const bundle = parseDcapQvlCollateral(vectorText('tdx/tinfoilsh-verifier-collateral/collateral_dcap_qvl_format_90c06f000000_platform.json'));
  const p = memoryCollateral([
    { kind: 'intel', collateral: bundle },
    ...items('tdx/tinfoilsh-verifier-collateral/pck_crl_processor.crl', 'tdx/tinfoilsh-verifier-collateral/pck_crl_processor_chain.txt'),
  ]);
  const got = await p.intel({ tee: 'tdx', fmspc: '90c06f000000', ca: 'processor' });
  assert.ok(got);
  assert.equal(got.tcbInfo.body, bundle.tcbInfo.body);
  assert.deepEqual(got.pckCrl, vector('tdx/tinfoilsh-verifier-collateral/pck_crl_processor.crl'));
  assert.deepEqual(derHex(pemCertificates(got.pckCrlIssuerChain)), derHex(pemCertificates(decodeURIComponent(vectorText('tdx/tinfoilsh-verifier-collateral/pck_crl_processor_chain.txt')))));
  assert.equal((await p.intel({ tee: 'tdx', fmspc: '90c06f000000', ca: 'platform' })), bundle);
});

test('loose PCS files and certificates assemble into the same set as the derived dcap-qvl bundle', { skip: vectorsMissing }, async () => {
  const dir = 'sgx/mobilecoin-attestation';
  const p = memoryCollateral(
    items(
      `${dir}/fmspc_00906ED50000_2023_07_12.json`,
      `${dir}/qe_identity.json`,
      `${dir}/tcb_signer.pem`,
      `${dir}/root_ca.pem`,
      `${dir}/processor_ca.pem`,
      `${dir}/processor_crl.der`,
      `${dir}/root_crl.der`,
    ),
  );
  const want = parseDcapQvlCollateral(vectorText(`${dir}/collateral_dcap_qvl_format_2023_07_12.json`));
  const got = await p.intel({ tee: 'sgx', fmspc: '00906ed50000', ca: 'processor' });
  assertSameIntelCollateral(got, want);
  assert.equal(await p.intel({ tee: 'tdx', fmspc: '00906ed50000', ca: 'processor' }), undefined);
  assert.equal(await p.intel({ tee: 'sgx', fmspc: '00906ed50000', ca: 'platform' }), undefined);
});

test('a VCEK is matched by chip ID and reported TCB, and gets the ASK/ARK chain from the items', { skip: vectorsMissing }, async () => {
  const p = memoryCollateral(items('sev-snp/google-go-sev-guest/vcek.der', 'sev-snp/amd-roots-go-sev-guest/ask_ark_milan.pem', 'sev-snp/amd-roots-go-sev-guest/ask_ark_genoa.pem'));
  const req = snpRequest('sev-snp/google-go-sev-guest/attestation.bin', 'vcek', undefined);
  const got = await p.amd(req);
  assert.ok(got);
  assert.deepEqual(got.vek, vector('sev-snp/google-go-sev-guest/vcek.der'));
  assert.deepEqual(derHex(got.chain), derHex(pemCertificates(vectorText('sev-snp/amd-roots-go-sev-guest/ask_ark_milan.pem'))));
  assert.equal(got.crl, undefined);
  assert.ok(await p.amd({ ...req, product: 'Milan' }));
  assert.equal(await p.amd({ ...req, product: 'Genoa' }), undefined);
  assert.equal(await p.amd({ ...req, keyType: 'vlek' }), undefined);
  // One SPL off (microcode, byte 7) or another chip: no match.
  assert.equal(await p.amd({ ...req, reportedTcb: req.reportedTcb.slice(0, 14) + '45' }), undefined);
  assert.equal(await p.amd({ ...req, chipId: '00' + req.chipId.slice(2) }), undefined);
});

test('a Turin VCEK matches on the 8-byte hardware ID and the Turin TCB layout', { skip: vectorsMissing }, async () => {
  const p = memoryCollateral(items('sev-snp/virtee-sev/vcek_milan.der', 'sev-snp/project-oak/turin_vcek.der', 'sev-snp/amd-roots-go-sev-guest/ask_ark_turin_vcek.pem'));
  const req = snpRequest('sev-snp/project-oak/turin_snp_report.bin', 'vcek', 'Turin');
  const got = await p.amd(req);
  assert.ok(got);
  assert.deepEqual(got.vek, vector('sev-snp/project-oak/turin_vcek.der'));
  assert.equal(got.chain?.length, 2);
  assert.ok(await p.amd({ ...req, product: undefined }));
  // Read with the Milan layout, the same bytes name another TCB.
  assert.equal(await p.amd({ ...req, product: 'Milan' }), undefined);
});

test('a VLEK is matched by TCB alone and chained through the ASVK', { skip: vectorsMissing }, async () => {
  const p = memoryCollateral(items('sev-snp/trustee/test-vlek.der', 'sev-snp/amd-roots-trustee/milan_ask_ark_asvk.pem'));
  const req = snpRequest('sev-snp/trustee/test-vlek-report.bin', 'vlek', 'Milan');
  const got = await p.amd(req);
  assert.ok(got);
  assert.deepEqual(got.vek, vector('sev-snp/trustee/test-vlek.der'));
  const chain = pemCertificates(vectorText('sev-snp/amd-roots-trustee/milan_ask_ark_asvk.pem'));
  // The file holds ASK, ARK, ASVK; the VLEK's chain is ASVK then ARK.
  assert.deepEqual(derHex(got.chain), derHex([chain[2]!, chain[1]!]));
  assert.equal(await p.amd({ ...req, keyType: 'vcek' }), undefined);
});

test('an AMD CRL issued by the ARK is attached', { skip: vectorsMissing }, async () => {
  // No real AMD CRL is in the vectors: an item carrying its own CRL is passed through untouched.
  const vek = vector('sev-snp/google-go-sev-guest/vcek.der');
  const crl = vector('sgx/mobilecoin-attestation/root_crl.der');
  const p = memoryCollateral([{ kind: 'amd', collateral: { vek, crl } }]);
  const got = await p.amd(snpRequest('sev-snp/google-go-sev-guest/attestation.bin', 'vcek', 'Milan'));
  assert.deepEqual(got?.crl, crl);
});

test('combineCollateral: the first provider with an answer wins', { skip: vectorsMissing }, async () => {
  const a = parseDcapQvlCollateral(vectorText('sgx/phala-dcap-qvl/sgx_quote_collateral.json'));
  const b = parseDcapQvlCollateral(vectorText('sgx/phala-dcap-qvl/sgx_quote_collateral_2023-11-21_commit-eadf882.json'));
  const req = { tee: 'sgx', fmspc: '00a067110000', ca: 'processor' } as const;
  assert.equal(await combineCollateral(emptyCollateral, memoryCollateral([{ kind: 'intel', collateral: a }]), memoryCollateral([{ kind: 'intel', collateral: b }])).intel(req), a);
  assert.equal(await combineCollateral(memoryCollateral([{ kind: 'intel', collateral: b }]), memoryCollateral([{ kind: 'intel', collateral: a }])).intel(req), b);
  assert.equal(await combineCollateral(emptyCollateral).intel(req), undefined);
});

test('collateralItemsFromBytes: undefined for non-collateral, ERR_COLLATERAL_MALFORMED for broken collateral', { skip: vectorsMissing }, () => {
  assert.equal(collateralItemsFromBytes(vector('sgx/phala-dcap-qvl/sgx_quote')), undefined);
  assert.equal(collateralItemsFromBytes(new TextEncoder().encode('{"hello":1}')), undefined);
  assert.equal(collateralItemsFromBytes(new TextEncoder().encode('# readme')), undefined);
  const broken = vectorText('sgx/phala-dcap-qvl/sgx_quote_collateral.json').replace('"pck_crl":', '"pck_crl_x":');
  assert.throws(() => collateralItemsFromBytes(new TextEncoder().encode(broken)), { code: 'ERR_COLLATERAL_MALFORMED' });
  assert.throws(() => collateralItemsFromBytes(new TextEncoder().encode('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')), {
    code: 'ERR_COLLATERAL_MALFORMED',
  });
  // Hex text of a DER CRL is a CRL.
  const hexCrl = new TextEncoder().encode(toHex(vector('sgx/mobilecoin-attestation/root_crl.der')));
  assert.equal(collateralItemsFromBytes(hexCrl)?.[0]?.kind, 'crl');
});
