/**
 * NVIDIA GPU and NVSwitch reports from real hardware (vectors README, "NVIDIA" table): each
 * file gives the listed outcome, the claims decode as Trustee's expected claims say, and the
 * chain edge cases are refused with their own codes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock, fromHex, isConfideError, type ErrorCode } from '@confide/core';
import {
  claimsOf,
  detectEvidence,
  emptyCollateral,
  nvidiaChainFromPem,
  nvidiaVerifier,
  parseNvidiaReport,
  trustAnchorsByVendor,
  verifyEvidence,
  verifyNvidiaChain,
  verifyNvidiaEvidenceList,
  type NvidiaClaims,
  type VerifyContext,
} from '../src/index.js';
import { vector, vectorText, vectorsMissing } from '@confide/test-kit/vectors';

const skip = vectorsMissing ?? false;
const DIR = 'nvidia/';
/** Inside every certificate's validity (the chain runs 2022-03-01 to 9999). */
const PINNED = new Date('2025-06-01T00:00:00Z');
const H100_NONCE = '931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb';
const TRUSTEE_NONCE = '87d8e24ab336adafe228d49e83d745f6dba4ae505372b6a5704820856b343fec';

function ctx(extra: Partial<VerifyContext> = {}): VerifyContext {
  return { clock: fixedClock(PINNED), collateral: emptyCollateral, ...extra };
}

function h100(): { report: Uint8Array; chain: Uint8Array[] } {
  return {
    report: fromHex(vectorText(`${DIR}nvtrust/hopperAttestationReport.txt`).trim()),
    chain: nvidiaChainFromPem(vectorText(`${DIR}nvtrust/hopperCertChain.txt`)),
  };
}

async function code(p: Promise<unknown> | (() => unknown)): Promise<ErrorCode | 'ok'> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'ok';
  } catch (err) {
    if (isConfideError(err)) return err.code;
    throw err;
  }
}

describe('NVIDIA H100 report (nvtrust)', { skip }, () => {
  it('verifies: report signature under the leaf, chain to the NVIDIA Device Identity CA, nonce', async () => {
    const { report, chain } = h100();
    const claims = claimsOf(await verifyEvidence(report, {}, ctx({ deviceCertificates: chain, expectedNonce: fromHex(H100_NONCE) })), 'nvidia');
    assert.equal(claims.reportData, H100_NONCE);
    assert.equal(claims.nvidia.device, 'gpu');
    assert.equal(claims.nvidia.leafSubject, 'GH100 A01 GSP FMC LF');
    assert.equal(claims.nvidia.spdmVersion, '1.1');
    assert.equal(claims.nvidia.measurementBlocks.length, 64);
    assert.equal(claims.collateralExpired, false);
    assert.deepEqual(claims.expiredCollateral, []);
    assert.equal(claims.verifiedAt, PINNED.toISOString());
    assert.match(claims.measurement, /^[0-9a-f]{96}$/);
  });

  it("decodes the claims Trustee expects for this report (hopperAttestationReport-claims.txt)", async () => {
    const { report, chain } = h100();
    const claims = claimsOf(await verifyEvidence(report, {}, ctx({ deviceCertificates: chain })), 'nvidia');
    const expected = JSON.parse(vectorText(`${DIR}trustee/hopperAttestationReport-claims.txt`)) as {
      measurements: Record<string, string>;
      config: Record<string, string | Record<string, number>>;
    };
    const n = claims.nvidia;
    assert.deepEqual(n.measurements, expected.measurements);
    const c = expected.config;
    assert.equal(n.driverVersion, c['driver_version']);
    assert.equal(n.vbiosVersion, c['vbios_version']);
    assert.equal(n.boardId, c['board_id']);
    assert.equal(n.chipSku, c['chip_sku']);
    assert.equal(n.chipSkuMod, c['chip_sku_mod']);
    assert.equal(n.cprInfo, c['cpr_info']);
    assert.equal(n.fwid, c['fwid']);
    assert.equal(n.gpuInfo, c['gpu_info']);
    assert.equal(n.project, c['project']);
    assert.equal(n.projectSku, c['project_sku']);
    assert.equal(n.projectSkuMod, c['project_sku_mod']);
    // Trustee prints these one-byte statuses as text ("U" = 0x55); they are hex here.
    assert.equal(String.fromCharCode(parseInt(n.nvdec0Status!, 16)), c['nvdec0_status']);
    assert.equal(String.fromCharCode(parseInt(n.protectedPcieStatus!, 16)), c['protected_pcie_status']);
    assert.deepEqual(n.measurementCount, c['measurement_count']);
  });

  it('a certificate before its validity is a claim, not a failure', async () => {
    const { report, chain } = h100();
    const claims = claimsOf(await verifyEvidence(report, {}, ctx({ deviceCertificates: chain, clock: fixedClock(new Date('2021-01-01T00:00:00Z')) })), 'nvidia');
    assert.equal(claims.collateralExpired, true);
    // The root is valid from 2021-11-05, the ICA from 2022-03-01, GH100 Identity from 2022-01-12.
    assert.deepEqual(claims.expiredCollateral, ['cert:NVIDIA GH100 Provisioner ICA 1', 'cert:NVIDIA GH100 Identity', 'cert:NVIDIA Device Identity CA']);
  });

  it('refuses another nonce, and a nonce that is not 32 bytes', async () => {
    const { report, chain } = h100();
    const wrong = fromHex(H100_NONCE);
    wrong[31]! ^= 1;
    assert.equal(await code(verifyEvidence(report, {}, ctx({ deviceCertificates: chain, expectedNonce: wrong }))), 'ERR_EVIDENCE_BINDING_MISMATCH');
    assert.equal(await code(verifyEvidence(report, {}, ctx({ deviceCertificates: chain, expectedNonce: fromHex(H100_NONCE + '00') }))), 'ERR_EVIDENCE_BINDING_MISMATCH');
    assert.equal(await code(verifyEvidence(report, {}, ctx({ deviceCertificates: chain, expectedReportData: fromHex(H100_NONCE.slice(0, 16)) }))), 'ok');
  });

  it('is detected as hex, base64 and binary; without its chain it is ERR_COLLATERAL_MISSING', async () => {
    const { report } = h100();
    const hex = new TextEncoder().encode(vectorText(`${DIR}nvtrust/hopperAttestationReport.txt`));
    assert.deepEqual([detectEvidence(hex).tee, detectEvidence(hex).encoding, detectEvidence(hex).format], ['nvidia', 'hex', 'nvidia-spdm-report']);
    assert.equal(detectEvidence(report).encoding, 'binary');
    assert.equal(detectEvidence(new TextEncoder().encode(Buffer.from(report).toString('base64'))).encoding, 'base64');
    assert.equal(await code(verifyEvidence(hex, {}, ctx())), 'ERR_COLLATERAL_MISSING');
    assert.equal(await code(verifyEvidence(report, { tee: 'sgx' }, ctx())), 'ERR_EVIDENCE_UNSUPPORTED');
  });

  it('an expected nonce with evidence of another TEE is ERR_USAGE, not a binding nobody checks', async () => {
    const sgx = vector('sgx/phala-dcap-qvl/sgx_quote');
    assert.equal(await code(verifyEvidence(sgx, {}, ctx({ expectedNonce: fromHex(H100_NONCE) }))), 'ERR_USAGE');
    assert.equal(await code(verifyEvidence(sgx, { tee: 'sgx' }, ctx({ expectedNonce: fromHex(H100_NONCE) }))), 'ERR_USAGE');
  });

  it('refuses a chain ending at another root (trust anchors replaced) with ERR_EVIDENCE_UNTRUSTED_ROOT', async () => {
    const { report, chain } = h100();
    const other = nvidiaChainFromPem(vectorText(`${DIR}nvtrust/hopperCertChain.txt`))[3]!; // GH100 Identity, not a root
    const anchors = { intelRoots: [], amdRoots: [], nvidiaRoots: [other] };
    assert.equal(await code(verifyEvidence(report, {}, ctx({ deviceCertificates: chain, trustAnchors: anchors }))), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  });

  it('sorts the NVIDIA root into nvidiaRoots among replacement anchors', () => {
    const root = nvidiaChainFromPem(vectorText(`${DIR}nvtrust/verifier_device_root.pem`));
    const sorted = trustAnchorsByVendor(root);
    assert.equal(sorted.nvidiaRoots.length, 1);
    assert.deepEqual([sorted.intelRoots.length, sorted.amdRoots.length], [0, 0]);
  });
});

describe('NVIDIA PPCIe evidence sets (nvtrust): 8 H100 GPUs and 4 NVSwitches as a batch', { skip }, () => {
  for (const [file, count, device] of [
    ['ppcie_gpu_evidence.json', 8, 'gpu'],
    ['ppcie_switch_evidence.json', 4, 'nvswitch'],
  ] as const) {
    it(`${file}: all ${count} signatures and chains verify; the nonce equals the request nonce`, async () => {
      const bytes = vector(`${DIR}nvtrust/${file}`);
      const entries = JSON.parse(new TextDecoder().decode(bytes)) as Array<{ nonce: string; driver_version?: string; vbios_version?: string }>;
      const nonce = entries[0]!.nonce;
      assert.ok(entries.every((e) => e.nonce === nonce));
      assert.equal(detectEvidence(bytes).format, 'nvidia-evidence-list');
      const all: NvidiaClaims[] = await verifyNvidiaEvidenceList(bytes, ctx({ expectedNonce: fromHex(nonce) }));
      assert.equal(all.length, count);
      for (const [i, claims] of all.entries()) {
        assert.equal(claims.reportData, nonce);
        assert.equal(claims.nvidia.device, device);
        assert.equal(claims.collateralExpired, false);
        if (device === 'gpu') {
          assert.equal(claims.nvidia.driverVersion, entries[i]!.driver_version);
          assert.equal(claims.nvidia.driverVersion, '590.12');
          // The JSON prints the VBIOS version upper-case; the claims use lower-case hex pairs.
          assert.equal(claims.nvidia.vbiosVersion, entries[i]!.vbios_version!.toLowerCase());
          assert.equal(claims.nvidia.vbiosVersion, '96.00.a5.00.01');
        } else {
          assert.equal(claims.nvidia.vbiosVersion, '96.10.73.00.01');
        }
      }
      if (device === 'nvswitch') assert.deepEqual(all.map((c) => c.nvidia.positionId), [0, 1, 3, 2]);
      const wrong = fromHex(nonce);
      wrong[0]! ^= 0x80;
      await assert.rejects(verifyNvidiaEvidenceList(bytes, ctx({ expectedNonce: wrong })), (err) => isConfideError(err, 'ERR_EVIDENCE_BINDING_MISMATCH') && err.details?.['index'] === 0);
      // One entry alone is evidence of its own.
      const one = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(bytes))[1]));
      assert.equal(detectEvidence(one).format, 'nvidia-evidence-json');
      assert.equal(claimsOf(await verifyEvidence(one, {}, ctx({ expectedNonce: fromHex(nonce) })), 'nvidia').nvidia.device, device);
      assert.equal(await code(verifyEvidence(bytes, {}, ctx())), 'ERR_EVIDENCE_UNSUPPORTED');
    });
  }
});

describe('NVIDIA H100 report (Trustee)', { skip }, () => {
  const stored = () => fromHex(vectorText(`${DIR}trustee/hopper_coco_report1.txt`).trim());
  const chain = () => nvidiaChainFromPem(vectorText(`${DIR}trustee/hopper_coco_certs1.txt`));

  it('as stored, with one stray byte after the signature, is ERR_EVIDENCE_MALFORMED', async () => {
    assert.equal(stored().length, 4130);
    assert.equal(await code(() => parseNvidiaReport(stored())), 'ERR_EVIDENCE_MALFORMED');
    assert.equal(await code(verifyEvidence(stored(), {}, ctx({ deviceCertificates: chain() }))), 'ERR_EVIDENCE_MALFORMED');
  });

  it('verifies once the trailing 0x00 is dropped, bound to its 32-byte request nonce', async () => {
    const bytes = stored();
    assert.equal(bytes[bytes.length - 1], 0);
    const claims = claimsOf(await verifyEvidence(bytes.subarray(0, -1), {}, ctx({ deviceCertificates: chain(), expectedNonce: fromHex(TRUSTEE_NONCE) })), 'nvidia');
    assert.equal(claims.reportData, TRUSTEE_NONCE);
    // Trustee's test passes 48 bytes beginning with the nonce: not a 32-byte SPDM nonce.
    const longer = fromHex(TRUSTEE_NONCE + '00'.repeat(16));
    assert.equal(await code(verifyEvidence(bytes.subarray(0, -1), {}, ctx({ deviceCertificates: chain(), expectedNonce: longer }))), 'ERR_EVIDENCE_BINDING_MISMATCH');
  });
});

describe('NVIDIA device chain edge cases (Trustee)', { skip }, () => {
  const chainOf = (file: string) => nvidiaChainFromPem(vectorText(`${DIR}trustee/${file}`));

  it('case2, the root alone, is ERR_EVIDENCE_CHAIN_INVALID', async () => {
    const ders = chainOf('hopper_cert_chain_case2.txt');
    assert.equal(ders.length, 1);
    assert.equal(await code(verifyNvidiaChain(ders, PINNED, undefined)), 'ERR_EVIDENCE_CHAIN_INVALID');
    assert.equal(await code(verifyEvidence(h100().report, {}, ctx({ deviceCertificates: ders }))), 'ERR_EVIDENCE_CHAIN_INVALID');
  });

  it('case3, a BROM certificate not issued by the next certificate, is ERR_EVIDENCE_CHAIN_INVALID', async () => {
    const ders = chainOf('hopper_cert_chain_case3.txt');
    assert.equal(ders.length, 4);
    assert.equal(await code(verifyNvidiaChain(ders, PINNED, undefined)), 'ERR_EVIDENCE_CHAIN_INVALID');
    assert.equal(await code(verifyEvidence(h100().report, {}, ctx({ deviceCertificates: ders }))), 'ERR_EVIDENCE_CHAIN_INVALID');
  });

  it('case4, a valid 4-certificate chain from the BROM up, verifies as a chain but signs no report', async () => {
    const ders = chainOf('hopper_cert_chain_case4.txt');
    const chain = await verifyNvidiaChain(ders, PINNED, undefined);
    assert.deepEqual(
      chain.certificates.map((c) => c.subjectCn),
      ['GH100 A01 GSP BROM', 'NVIDIA GH100 Provisioner ICA 1', 'NVIDIA GH100 Identity', 'NVIDIA Device Identity CA'],
    );
    assert.deepEqual(chain.expired, []);
    // The report is signed by the FMC leaf this chain lacks.
    assert.equal(await code(verifyEvidence(h100().report, {}, ctx({ deviceCertificates: ders }))), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('the lone signing leaf reaches no pinned root: ERR_EVIDENCE_UNTRUSTED_ROOT', async () => {
    const ders = chainOf('hopper_signing_cert.pem');
    assert.equal(ders.length, 1);
    assert.equal(await code(verifyNvidiaChain(ders, PINNED, undefined)), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
    assert.equal(await code(verifyEvidence(h100().report, {}, ctx({ deviceCertificates: ders }))), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  });

  it('the verifier interface parses and verifies the same way', async () => {
    const { report, chain } = h100();
    const claims = await nvidiaVerifier.verify(nvidiaVerifier.parse(report), ctx({ deviceCertificates: chain }));
    assert.equal(claims.tee, 'nvidia');
  });
});
