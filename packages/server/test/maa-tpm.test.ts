/**
 * POST /attest/Tpm (Confide's TPM evidence JSON on MAA's path): the GCE vTPM vectors give a
 * signed token with MAA's TPM claims and the replayed event log's claims when their AK chain
 * ends at a configured TPM root; a wrong nonce, a tampered PCR, a changed event, an untrusted
 * AK certificate and an uncertified AK are refused with their codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTcgEventLog } from '@confide/evidence';
import { vector, vectorsMissing } from '@confide/test-kit/vectors';
import { assertMaaError, attest, b64url, testApp, verifiedToken } from './maa-helpers.js';
import { forgedTpm, GCE_DIR, GCE_ROOT, gceTpm, sha256, TPM_AT, tpmReport } from './maa-tpm-helpers.js';

const skip = vectorsMissing ?? false;
const gceApp = () => testApp({ at: TPM_AT, trustAnchors: { tpmRoots: [vector(GCE_ROOT)] } });
const PERMIT_ALL = 'version=1.0; authorizationrules{=>permit();}; issuancerules{};';

test('GCE vTPM evidence (3 quotes, AK chain, event log) gives a signed token with the TPM and event-log claims', { skip }, async () => {
  const { app } = await gceApp();
  const res = await attest(app, 'Tpm', { report: tpmReport(gceTpm('nonce9009')), nonce: 'rp-1' });
  assert.equal(res.statusCode, 200, res.body);
  const { payload } = await verifiedToken(app, (res.json() as { token: string }).token);
  assert.equal(payload['x-ms-attestation-type'], 'tpm');
  assert.equal(payload['aikValidated'], true);
  assert.equal(payload['tpmVersion'], 2);
  assert.match(payload['aikPubHash'] as string, /^[A-Za-z0-9+/]{43}=$/);
  assert.equal(payload['x-confide-tpm-nonce'], '9009');
  assert.equal(payload['x-confide-tpm-firmware-version'], '2016051100162800');
  assert.equal(payload['nonce'], 'rp-1');
  const pcrs = payload['pcrs'] as Record<string, Record<string, string>>;
  assert.deepEqual(Object.keys(pcrs).sort(), ['sha1', 'sha256', 'sha384']);
  const log = payload['x-confide-tpm-event-log'] as { replayed: Record<string, number[]>; format: string; separators: unknown[]; injection: { possible: boolean } };
  assert.equal(log.format, 'crypto-agile');
  assert.deepEqual(log.replayed['sha256'], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(log.replayed['sha1'], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(typeof payload['secureBootEnabled'], 'boolean');
  assert.equal(payload['secureBootEnabled'], (log as { secureBoot?: boolean }).secureBoot);
  assert.ok(Array.isArray(payload['x-confide-tpm-kernel-cmdlines']));
  const ak = payload['x-confide-tpm-ak'] as { certified: boolean; chain: string[] };
  assert.equal(ak.certified, true);
  assert.equal(ak.chain.length, 3);
  await app.close();
});

test('the policy sees the TPM claims: the event log as JSON text (JmesPath), aikValidated, and pcrs', { skip }, async () => {
  const { app } = await gceApp();
  const policy = `version=1.2;
authorizationrules{ [type=="aikValidated", value==true] => permit(); };
issuancerules{
  c:[type=="x-confide-tpm-event-log"] => issue(type="replayed-sha256", value=JmesPath(c.value, "length(replayed.sha256)"));
  c:[type=="pcrs"] => issue(type="pcr0", value=JmesPath(c.value, "sha256.\\"0\\""));
};`;
  const res = await attest(app, 'Tpm', { report: tpmReport(gceTpm('no-nonce')), draftPolicyForAttestation: policy });
  assert.equal(res.statusCode, 200, res.body);
  const payload = JSON.parse(Buffer.from((res.json() as { token: string }).token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  assert.equal(String(payload['replayed-sha256']), '10');
  // JmesPath answers JSON text, as MAA's does.
  assert.equal(payload['pcr0'], JSON.stringify((payload['pcrs'] as { sha256: Record<string, string> }).sha256['0']));
  assert.equal(payload['x-confide-tpm-nonce'], '');
  await app.close();
});

test('a tampered PCR value and an event log with one event changed are refused; the refusal names the PCR', { skip }, async () => {
  const { app } = await gceApp();
  const pcr = gceTpm('nonce9009');
  const v = pcr.pcrs['sha256']!['7']!;
  pcr.pcrs['sha256']!['7'] = (v[0] === '0' ? '1' : '0') + v.slice(1);
  assertMaaError(await attest(app, 'Tpm', { report: tpmReport(pcr) }), 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');

  // The first digest of the first boot application (PCR 4): the firmware measured something else.
  const logged = gceTpm('nonce9009');
  const raw = new Uint8Array(Buffer.from(logged.eventLog!, 'base64'));
  const event = parseTcgEventLog(raw).events.find((e) => e.pcr === 4 && e.type === 0x80000003)!;
  assert.ok(event, 'the GCE log has an EV_EFI_BOOT_SERVICES_APPLICATION');
  raw[event.offset + 14]! ^= 0x01; // pcrIndex, eventType, digest count (4 bytes each), hashAlg (2): the first digest byte
  logged.eventLog = Buffer.from(raw).toString('base64');
  const res = await attest(app, 'Tpm', { report: tpmReport(logged) });
  assertMaaError(res, 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  assert.match((res.json() as { error: { message: string } }).error.message, /PCR 4\b/);
  await app.close();
});

test('the AK chain must end at a configured TPM root, and the default policy permits only a certified AK', { skip }, async () => {
  // Another cloud root configured: the GCE AK chain ends nowhere trusted.
  const foreign = await testApp({ at: TPM_AT, trustAnchors: { tpmRoots: [vector(`${GCE_DIR}/gcp_ek_ak_ca_root.crt`)] } });
  assertMaaError(await attest(foreign.app, 'Tpm', { report: tpmReport(gceTpm('nonce9009')) }), 400, 'InvalidParameter', 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  // No TPM root configured at all: an AK certificate cannot be trusted either.
  const none = await testApp({ at: TPM_AT });
  assertMaaError(await attest(none.app, 'Tpm', { report: tpmReport(gceTpm('nonce9009')) }), 400, 'InvalidParameter', 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  // Without its certificate the quote is authentic under a key anyone could have made: the default policy denies it.
  assertMaaError(await attest(none.app, 'Tpm', { report: tpmReport(gceTpm('nonce9009', false)) }), 400, 'PolicyEvaluationError', 'ERR_POLICY_DENIED');
  const drafted = await attest(none.app, 'Tpm', { report: tpmReport(gceTpm('nonce9009', false)), draftPolicyForAttestation: PERMIT_ALL });
  assert.equal(drafted.statusCode, 200, drafted.body);
  const payload = JSON.parse(Buffer.from((drafted.json() as { token: string }).token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  assert.equal(payload['aikValidated'], false);
  await foreign.app.close();
  await none.app.close();
});

test('runtimeData binds by SHA-256 to the quote\'s extraData (the nonce); a wrong nonce is refused', async () => {
  const runtime = new TextEncoder().encode(JSON.stringify({ challenge: 'c-42' }));
  const tpm = await forgedTpm(sha256(runtime));
  const { app } = await testApp();
  const runtimeData = { data: b64url(runtime), dataType: 'JSON' };
  const ok = await attest(app, 'Tpm', { report: tpmReport(tpm), runtimeData, draftPolicyForAttestation: PERMIT_ALL });
  assert.equal(ok.statusCode, 200, ok.body);
  const payload = JSON.parse(Buffer.from((ok.json() as { token: string }).token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  assert.deepEqual(payload['x-ms-runtime'], { challenge: 'c-42' });
  assert.equal(payload['x-confide-tpm-nonce'], Buffer.from(sha256(runtime)).toString('hex'));
  assert.equal(payload['aikValidated'], false);
  assert.equal(payload['secureBootEnabled'], undefined);

  const wrong = { data: b64url(JSON.stringify({ challenge: 'c-43' })), dataType: 'JSON' };
  assertMaaError(await attest(app, 'Tpm', { report: tpmReport(tpm), runtimeData: wrong, draftPolicyForAttestation: PERMIT_ALL }), 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  // A flipped signature byte, a quote of another type's endpoint, init-time data and MAA's protocol message.
  const flipped = structuredClone(tpm);
  const sig = Buffer.from(flipped.quotes[0]!.signature, 'base64');
  sig[sig.length - 1]! ^= 1;
  flipped.quotes[0]!.signature = sig.toString('base64');
  assertMaaError(await attest(app, 'Tpm', { report: tpmReport(flipped), runtimeData, draftPolicyForAttestation: PERMIT_ALL }), 400, 'InvalidParameter', 'ERR_EVIDENCE_SIGNATURE_INVALID');
  assertMaaError(await attest(app, 'Tpm', { report: tpmReport(tpm), initTimeData: runtimeData }), 400, 'InvalidParameter', 'ERR_VALIDATION');
  assertMaaError(await attest(app, 'Tpm', { data: b64url(JSON.stringify({ payload: { type: 'aikcert' } })) }), 400, 'InvalidParameter', 'ERR_EVIDENCE_UNSUPPORTED');
  assertMaaError(await attest(app, 'Tpm', { quote: tpmReport(tpm) }), 400, 'InvalidParameter', 'ERR_VALIDATION');
  assertMaaError(await attest(app, 'Tpm', { report: b64url('{"not":"tpm"}') }), 400, 'InvalidParameter', 'ERR_EVIDENCE_MALFORMED');
  // TPM evidence is not SEV-SNP evidence.
  assertMaaError(await attest(app, 'SevSnpVm', { report: tpmReport(tpm) }), 400, 'InvalidParameter', 'ERR_EVIDENCE_MALFORMED');
  await app.close();
});

test('Trustee\'s and go-attestation\'s TPM evidence JSON are taken as they are (no AK certificate: aikValidated false)', { skip }, async () => {
  const { app } = await testApp();
  for (const [path, format, pcrs] of [
    ['tpm/trustee/tpm_evidence.json', undefined, 24],
    ['tpm/google-go-attestation/windows_gcp_shielded_vm.json', 'sha1', 24],
  ] as const) {
    const res = await attest(app, 'Tpm', { report: b64url(vector(path)), draftPolicyForAttestation: PERMIT_ALL });
    assert.equal(res.statusCode, 200, `${path}: ${res.body}`);
    const payload = JSON.parse(Buffer.from((res.json() as { token: string }).token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.equal(payload['aikValidated'], false, path);
    const banks = Object.values(payload['pcrs'] as Record<string, Record<string, string>>);
    assert.equal(Object.keys(banks[0]!).length, pcrs, path);
    assert.equal((payload['x-confide-tpm-event-log'] as { format?: string } | undefined)?.format, format, path);
    // The default policy wants a certified AK.
    assertMaaError(await attest(app, 'Tpm', { report: b64url(vector(path)) }), 400, 'PolicyEvaluationError', 'ERR_POLICY_DENIED');
  }
  await app.close();
});
