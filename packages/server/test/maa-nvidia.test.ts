/**
 * POST /attest/NvidiaGpu (Confide's endpoint beside MAA's): NVIDIA GPU and NVSwitch evidence
 * JSON gives a signed token with the device claims; runtimeData binds by SHA-256 to the
 * request nonce; tampered or chainless evidence is a 400 in MAA's error shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { forgeReport, issueLeaf, nvidiaTestPki, NVIDIA_TEST_NOW } from '@confide/test-kit/nvidia-pki';
import { vectorText, vectorsMissing } from '@confide/test-kit/vectors';
import { assertMaaError, attest, b64url, testApp, verifiedToken } from './maa-helpers.js';

const pem = (der: Uint8Array): string => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`;
const entry = (report: Uint8Array, chainPem: string): string => b64url(JSON.stringify({ evidence: Buffer.from(report).toString('base64'), certificate: Buffer.from(chainPem).toString('base64'), arch: 'HOPPER' }));

test('a real H100 evidence entry (PPCIe) gives a signed token with the device claims', { skip: vectorsMissing ?? false }, async () => {
  const { app } = await testApp({ at: new Date('2025-06-01T00:00:00Z') });
  const gpu = (JSON.parse(vectorText('nvidia/nvtrust/ppcie_gpu_evidence.json')) as Array<{ evidence: string; certificate: string; nonce: string }>)[0]!;
  const res = await attest(app, 'NvidiaGpu', { report: b64url(JSON.stringify(gpu)), nonce: 'n-1' });
  assert.equal(res.statusCode, 200, res.body);
  const { payload } = await verifiedToken(app, (res.json() as { token: string }).token);
  assert.equal(payload['x-ms-attestation-type'], 'nvidiagpu');
  assert.equal(payload['x-confide-nvidia-device'], 'gpu');
  assert.equal(payload['x-confide-nvidia-driver-version'], '590.12');
  assert.equal(payload['x-confide-nvidia-vbios-version'], '96.00.a5.00.01');
  assert.equal(payload['x-confide-nvidia-nonce'], gpu.nonce);
  assert.equal(Object.keys(payload['x-confide-nvidia-measurements'] as object).length, 64);
  assert.equal(payload['nonce'], 'n-1');
  // Its nonce is no SHA-256 of this runtime data.
  const bound = await attest(app, 'NvidiaGpu', { report: b64url(JSON.stringify(gpu)), runtimeData: { data: b64url('hello'), dataType: 'Binary' } });
  assertMaaError(bound, 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  await app.close();
});

test('runtimeData binds by SHA-256 to the nonce; tampered, chainless and foreign evidence are refused', async () => {
  const pki = await nvidiaTestPki();
  const fwid = new Uint8Array(48).fill(9);
  const leaf = await issueLeaf(pki, { fwid });
  const runtime = new TextEncoder().encode(JSON.stringify({ key: 'gpu-session' }));
  const nonce = new Uint8Array(createHash('sha256').update(runtime).digest());
  const report = await forgeReport(leaf, { nonce, measurements: [new Uint8Array(48).fill(1)], opaque: [[20, fwid], [3, new TextEncoder().encode('570.1\0')]] });
  const chain = pem(leaf.der) + pem(pki.ica.der) + pem(pki.root.der);
  const { app } = await testApp({ at: NVIDIA_TEST_NOW, trustAnchors: { nvidiaRoots: [pki.root.der] } });
  const runtimeData = { data: b64url(runtime), dataType: 'JSON' };

  const ok = await attest(app, 'NvidiaGpu', { report: entry(report, chain), runtimeData });
  assert.equal(ok.statusCode, 200, ok.body);
  const { payload } = await verifiedToken(app, (ok.json() as { token: string }).token);
  assert.deepEqual(payload['x-ms-runtime'], { key: 'gpu-session' });
  assert.equal(payload['x-confide-nvidia-driver-version'], '570.1');

  const flipped = report.slice();
  flipped[60]! ^= 1;
  assertMaaError(await attest(app, 'NvidiaGpu', { report: entry(flipped, chain), runtimeData }), 400, 'InvalidParameter', 'ERR_EVIDENCE_SIGNATURE_INVALID');
  assertMaaError(await attest(app, 'NvidiaGpu', { report: b64url(report), runtimeData }), 400, 'InvalidParameter', 'ERR_COLLATERAL_MISSING');
  assertMaaError(await attest(app, 'NvidiaGpu', { report: entry(report, chain), initTimeData: runtimeData }), 400, 'InvalidParameter', 'ERR_VALIDATION');
  await app.close();

  // Without the test root the pinned NVIDIA root does not issue this chain.
  const pinned = await testApp({ at: NVIDIA_TEST_NOW });
  assertMaaError(await attest(pinned.app, 'NvidiaGpu', { report: entry(report, chain) }), 400, 'InvalidParameter', 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  // GPU evidence is not CPU TEE evidence.
  assertMaaError(await attest(pinned.app, 'TdxVm', { quote: entry(report, chain) }), 400, 'InvalidParameter', 'ERR_EVIDENCE_UNSUPPORTED');
  await pinned.app.close();
});
