/**
 * One token for CPU TEE evidence and its GPUs (`gpuEvidence`, Confide extension): simulated CPU
 * evidence whose report data carries SHA-256(runtimeData) and the GPUs' nonce, with NVIDIA's real
 * PPCIe evidence (8 H100 GPUs, 4 NVSwitches, one nonce), gives one token carrying every device;
 * a device that fails, or a nonce the CPU evidence does not carry, refuses the whole request.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import { createSimEvidence } from '@confide/evidence';
import { vectorText, vectorsMissing } from '@confide/test-kit/vectors';
import { assertMaaError, attest, b64url, decodePart, testApp, verifiedToken } from './maa-helpers.js';

const skip = vectorsMissing ?? false;
const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
const sha256 = (data: string | Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());
// Inside the NVIDIA device chains' validity (2022-03-01 to 9999).
const dev = await testApp({ simulationKeys: [keys.publicKey], at: new Date('2025-06-01T00:00:00Z') });
after(() => dev.app.close());

type Entry = { evidence: string; certificate: string; nonce: string; arch: string };
const devices = (): Entry[] =>
  skip ? [] : [...(JSON.parse(vectorText('nvidia/nvtrust/ppcie_gpu_evidence.json')) as Entry[]), ...(JSON.parse(vectorText('nvidia/nvtrust/ppcie_switch_evidence.json')) as Entry[])];
const RUNTIME = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'vm-key', e: 'AQAB', n: 'xyz' }] });
const runtimeData = { data: b64url(RUNTIME), dataType: 'JSON' };

/** Simulated CPU evidence whose report data is SHA-256(runtimeData) || the GPU nonce. */
function cpuEvidence(gpuNonce: Uint8Array): Promise<Uint8Array> {
  const reportData = new Uint8Array(64);
  reportData.set(sha256(RUNTIME));
  reportData.set(gpuNonce, 32);
  return createSimEvidence(keys, { measurement: new Uint8Array(32).fill(0xcd), productId: 1, svn: 1, reportData });
}

test('simulated CPU evidence with 8 GPUs and 4 NVSwitches gives one token carrying every device', { skip }, async () => {
  const list = devices();
  const nonce = Buffer.from(list[0]!.nonce, 'hex');
  const quote = b64url(await cpuEvidence(nonce));
  const res = await attest(dev.app, 'Simulated', { quote, runtimeData, gpuEvidence: b64url(JSON.stringify(list)), nonce: 'rp-7' });
  assert.equal(res.statusCode, 200, res.body);
  const { payload } = await verifiedToken(dev.app, (res.json() as { token: string }).token);
  assert.equal(payload['x-ms-attestation-type'], 'sim');
  assert.equal(payload['x-ms-sim-reportdata'], Buffer.from(sha256(RUNTIME)).toString('hex') + nonce.toString('hex'));
  assert.deepEqual(payload['x-ms-runtime'], JSON.parse(RUNTIME));
  assert.equal(payload['x-confide-gpu-count'], 12);
  const gpus = payload['x-confide-gpus'] as Array<Record<string, unknown>>;
  assert.deepEqual(gpus.map((g) => g['x-confide-nvidia-device']), [...Array(8).fill('gpu'), ...Array(4).fill('nvswitch')]);
  for (const g of gpus) assert.equal(g['x-confide-nvidia-nonce'], list[0]!.nonce);
  assert.equal(gpus[0]!['x-confide-nvidia-driver-version'], '590.12');
  assert.equal(payload['nonce'], 'rp-7');

  // NRAS's request body shape carries the same list; the policy reads the devices as JSON text.
  const policy = `version=1.2; authorizationrules{ c:[type=="x-confide-gpus"] => add(type="switches", value=JmesPath(c.value, "length([?\\"x-confide-nvidia-device\\" == 'nvswitch'])")); [type=="switches", value=="4"] => permit(); }; issuancerules{};`;
  const nras = { nonce: list[0]!.nonce, arch: 'HOPPER', evidence_list: list.map(({ evidence, certificate }) => ({ evidence, certificate })) };
  const drafted = await attest(dev.app, 'Simulated', { quote, runtimeData, gpuEvidence: b64url(JSON.stringify(nras)), draftPolicyForAttestation: policy });
  assert.equal(drafted.statusCode, 200, drafted.body);
  assert.equal(decodePart((drafted.json() as { token: string }).token.split('.')[1]!)['x-confide-gpu-count'], 12);
});

test('a device that fails, a nonce the CPU evidence does not carry, or GPUs on the wrong endpoint refuse the whole request', { skip }, async () => {
  const list = devices();
  const nonce = Buffer.from(list[0]!.nonce, 'hex');
  const quote = b64url(await cpuEvidence(nonce));

  // GPU 3's report with its signature changed.
  const tampered = structuredClone(list);
  const report = Buffer.from(tampered[3]!.evidence, 'base64');
  report[report.length - 96]! ^= 1; // the first byte of the signature's r
  tampered[3]!.evidence = report.toString('base64');
  const bad = await attest(dev.app, 'Simulated', { quote, runtimeData, gpuEvidence: b64url(JSON.stringify(tampered)) });
  assertMaaError(bad, 400, 'InvalidParameter', 'ERR_EVIDENCE_SIGNATURE_INVALID');
  assert.match((bad.json() as { error: { message: string } }).error.message, /device 3\b/);

  // The CPU evidence carries another nonce: the devices answered someone else.
  const other = b64url(await cpuEvidence(new Uint8Array(32).fill(7)));
  assertMaaError(await attest(dev.app, 'Simulated', { quote: other, runtimeData, gpuEvidence: b64url(JSON.stringify(list)) }), 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  // The runtimeData binding of the CPU evidence still holds with GPUs.
  assertMaaError(
    await attest(dev.app, 'Simulated', { quote, runtimeData: { data: b64url('other'), dataType: 'Binary' }, gpuEvidence: b64url(JSON.stringify(list)) }),
    400,
    'InvalidParameter',
    'ERR_EVIDENCE_BINDING_MISMATCH',
  );
  assertMaaError(await attest(dev.app, 'SgxEnclave', { quote, gpuEvidence: b64url(JSON.stringify(list)) }), 400, 'InvalidParameter', 'ERR_VALIDATION');
  assertMaaError(await attest(dev.app, 'Simulated', { quote, gpuEvidence: b64url('[]') }), 400, 'InvalidParameter', 'ERR_EVIDENCE_MALFORMED');
  assertMaaError(await attest(dev.app, 'Simulated', { quote, gpuEvidence: b64url('[{"evidence": "AAAA"}]') }), 400, 'InvalidParameter', 'ERR_EVIDENCE_MALFORMED');
});
