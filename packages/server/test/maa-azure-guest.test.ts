/**
 * POST /attest/AzureGuest as Azure's guest attestation client calls it, and Azure CVM evidence
 * on /attest/SevSnpVm and /attest/TdxVm (the client's platform attestation), in process: the
 * Trustee vectors give signed tokens in MAA's CVM shape under the default policies; a self-made
 * CVM gives the token encrypted to its vTPM key, which the test opens as the client does;
 * tampered or mismatched parts are refused with their codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, createHash } from 'node:crypto';
import { parseHclReport } from '@confide/evidence';
import { vector, vectorText, vectorsMissing } from '@confide/test-kit/vectors';
import { assertMaaError, attest, b64url, collateralFrom, testApp, verifiedToken } from './maa-helpers.js';
import { body, forgedCvm, snpVectorInfo, SNP_AT, SNP_DIR, TDX_AT, TDX_COLLATERAL, TDX_DIR, tdxVectorInfo } from './maa-azure-guest-helpers.js';

const skip = vectorsMissing ?? false;
type Claims = Record<string, unknown>;

test('AzureGuest: the SEV-SNP vector gives a signed azurevm token with the hardware claims under x-ms-isolation-tee', { skip }, async () => {
  const { app } = await testApp({ at: SNP_AT });
  const res = await attest(app, 'AzureGuest', body(snpVectorInfo()), '2020-10-01');
  assert.equal(res.statusCode, 200, res.body);
  const { payload } = await verifiedToken(app, (res.json() as { token: string }).token);
  assert.equal(payload['x-ms-attestation-type'], 'azurevm');
  assert.equal(payload['x-ms-azurevm-attestation-protocol-ver'], '2.0');
  assert.deepEqual(payload['x-ms-azurevm-attested-pcrs'], Array.from({ length: 24 }, (_, i) => i));
  assert.equal(payload['x-ms-azurevm-ostype'], 'Linux');
  assert.equal(payload['x-ms-azurevm-osversion-major'], 22);
  assert.equal(payload['x-ms-azurevm-vmid'], '911B0EF8-9DBA-48B0-B275-4E4DF2D39252');
  assert.equal(payload['secureboot'], true);
  const tee = payload['x-ms-isolation-tee'] as Claims;
  assert.equal(tee['x-ms-attestation-type'], 'sevsnpvm');
  assert.equal(tee['x-ms-compliance-status'], 'azure-compliant-cvm');
  assert.ok((tee['x-ms-sevsnpvm-launchmeasurement'] as string).startsWith('9ac48fca'));
  assert.equal(tee['x-ms-sevsnpvm-vmpl'], 0);
  assert.equal(tee['x-ms-sevsnpvm-microcode-svn'], 115);
  const runtime = tee['x-ms-runtime'] as { keys: Claims[]; 'vm-configuration': Claims };
  assert.deepEqual(runtime.keys.map((k) => k['kid']), ['HCLAkPub', 'HCLEkPub']);
  assert.equal(runtime['vm-configuration']['tpm-enabled'], true);
  // The token is not encrypted (no EncKeyPub), so x-ms-runtime names no TPM key; the client payload is echoed.
  assert.deepEqual(payload['x-ms-runtime'], { 'client-payload': { nonce: 'rp' }, keys: [] });
  // MAA's own SEV-SNP token (azure-samples-maa/sev-snp-jwt.txt, claims only): the same claim names, each of the same JSON type.
  const maa = JSON.parse(Buffer.from(vectorText('azure/azure-samples-maa/sev-snp-jwt.txt').trim().split('.')[1]!, 'base64url').toString('utf8')) as Claims;
  const snpNames = (m: Claims) => Object.keys(m).filter((k) => k.startsWith('x-ms-sevsnpvm-')).sort();
  assert.deepEqual(snpNames(tee), snpNames(maa));
  for (const name of snpNames(maa)) assert.equal(typeof tee[name], typeof maa[name], name);
  assert.equal((payload['x-confide-azurevm-pcrs'] as { sha256: Claims }).sha256['0'], 'f3a7e99a5f819a034386bce753a48a73cfdaa0bea0ecfc124bedbf5a8c4799be');
  await app.close();
});

test('AzureGuest: the TDX vector (TD quote and runtime data) gives tdxvm claims; the policy reads the nested claims by dotted name', { skip }, async () => {
  const { app } = await testApp({ at: TDX_AT, collateral: collateralFrom(TDX_COLLATERAL) });
  const policy = `version=1.0;
authorizationrules{ [type=="x-ms-isolation-tee.x-ms-attestation-type", value=="tdxvm"] => permit(); };
issuancerules{ c:[type=="x-ms-isolation-tee.tdx_mrtd"] => issue(type="mrtd", value=c.value); };`;
  const res = await attest(app, 'AzureGuest', { ...body(tdxVectorInfo()), draftPolicyForAttestation: policy });
  assert.equal(res.statusCode, 200, res.body);
  const payload = JSON.parse(Buffer.from((res.json() as { token: string }).token.split('.')[1]!, 'base64url').toString('utf8')) as Claims;
  const tee = payload['x-ms-isolation-tee'] as Claims;
  assert.equal(tee['x-ms-attestation-type'], 'tdxvm');
  assert.equal(tee['attester_tcb_status'], 'OutOfDate');
  assert.ok((payload['mrtd'] as string).startsWith('024a32b0'));
  assert.equal(tee['x-ms-compliance-status'], 'azure-compliant-cvm');
  await app.close();
});

test('AzureGuest: the token encrypted to the vTPM encryption key opens as the guest client opens it', async () => {
  const cvm = await forgedCvm();
  const { app } = await testApp({ at: new Date('2026-01-15T00:00:00Z'), trustAnchors: { amdRoots: [cvm.pki.ark.der] } });
  const res = await attest(app, 'AzureGuest', body(cvm.info), '2020-10-01');
  assert.equal(res.statusCode, 200, res.body);
  const envelope = JSON.parse(Buffer.from((res.json() as { token: string }).token, 'base64url').toString('utf8')) as {
    EncryptedInnerKey: string;
    EncryptionParams: { BlockMode: string; BlockPadding: string; Cipher: string; KeySizeInBits: number; Iv: string };
    AuthenticationData: string;
    Jwt: string;
  };
  assert.deepEqual(
    { ...envelope.EncryptionParams, Iv: undefined },
    { BlockMode: 'ChainingModeGCM', BlockPadding: 'PKCS7', Cipher: 'AES', KeySizeInBits: 256, Iv: undefined },
  );
  const key = cvm.decryptInnerKey(Buffer.from(envelope.EncryptedInnerKey, 'base64'));
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.EncryptionParams.Iv, 'base64'));
  decipher.setAAD(Buffer.from('Transport Key'));
  decipher.setAuthTag(Buffer.from(envelope.AuthenticationData, 'base64'));
  const jwt = Buffer.concat([decipher.update(Buffer.from(envelope.Jwt, 'base64')), decipher.final()]).toString('utf8');
  const { payload } = await verifiedToken(app, jwt);
  const keys = (payload['x-ms-runtime'] as { keys: Claims[] }).keys;
  assert.equal(keys.length, 1);
  assert.equal(keys[0]!['kid'], 'TpmEphemeralEncryptionKey');
  assert.deepEqual(keys[0]!['key_ops'], ['encrypt']);
  assert.equal((payload['x-ms-isolation-tee'] as Claims)['x-ms-compliance-status'], 'azure-compliant-cvm');
  await app.close();
});

test('AzureGuest: a CVM without secure boot is not compliant, and the default policy refuses it', async () => {
  const cvm = await forgedCvm({ secureBoot: false });
  const { app } = await testApp({ at: new Date('2026-01-15T00:00:00Z'), trustAnchors: { amdRoots: [cvm.pki.ark.der] } });
  assertMaaError(await attest(app, 'AzureGuest', body(cvm.info)), 400, 'PolicyEvaluationError', 'ERR_POLICY_DENIED');
  await app.close();
});

test('AzureGuest: an SNP report from a VMPL other than the paravisor\'s is refused, naming vmpl', async () => {
  const cvm = await forgedCvm({ vmpl: 1 });
  const { app } = await testApp({ at: new Date('2026-01-15T00:00:00Z'), trustAnchors: { amdRoots: [cvm.pki.ark.der] } });
  const res = await attest(app, 'AzureGuest', body(cvm.info));
  assertMaaError(res, 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  assert.match((res.json() as { error: { message: string } }).error.message, /VMPL 1/);
  await app.close();
});

test('AzureGuest: refusals name what failed', { skip }, async () => {
  const { app } = await testApp({ at: SNP_AT });
  // Another VM's runtime data is not what the report binds.
  const other = parseHclReport(vector(`${TDX_DIR}/hcl-report.bin`)).runtimeData;
  assertMaaError(await attest(app, 'AzureGuest', body(snpVectorInfo({}, other))), 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  // A quote signed by something else.
  const info = snpVectorInfo();
  const bad = snpVectorInfo({ signature: new Uint8Array(256).fill(7) });
  assertMaaError(await attest(app, 'AzureGuest', body(bad)), 400, 'InvalidParameter', 'ERR_EVIDENCE_SIGNATURE_INVALID');
  // An AK that is not the HCL's, and an encryption key the HCL's AK did not certify.
  const cvm = await forgedCvm();
  const forgedTpm = cvm.info['TpmInfo'] as Record<string, string>;
  const aikPub = forgedTpm['EncKeyPub']!; // some other TPM key
  const withAk = { ...info, TpmInfo: { ...(info['TpmInfo'] as object), AikPub: aikPub } };
  const res = await attest(app, 'AzureGuest', body(withAk));
  assertMaaError(res, 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  assert.match((res.json() as { error: { message: string } }).error.message, /AikPub/);
  const withEnc = { ...info, TpmInfo: { ...(info['TpmInfo'] as object), EncKeyPub: forgedTpm['EncKeyPub'], EncKeyCertifyInfo: forgedTpm['EncKeyCertifyInfo'], EncKeyCertifyInfoSignature: forgedTpm['EncKeyCertifyInfoSignature'] } };
  assertMaaError(await attest(app, 'AzureGuest', body(withEnc)), 400, 'InvalidParameter', 'ERR_EVIDENCE_SIGNATURE_INVALID');
  // Another machine's TCG log does not replay to the quoted PCRs: the refusal names the PCR.
  const gceLog = vector('tpm/google-go-tpm-tools/decoded-gce-cos-85-nonce9009/event_log.bin');
  const logged = await attest(app, 'AzureGuest', body({ ...info, TcgLogs: Buffer.from(gceLog).toString('base64') }));
  assertMaaError(logged, 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  assert.match((logged.json() as { error: { message: string } }).error.message, /PCR 0\b/);
  // Bad requests.
  assertMaaError(await attest(app, 'AzureGuest', {}), 400, 'InvalidParameter', 'ERR_VALIDATION');
  assertMaaError(await attest(app, 'AzureGuest', { AttestationInfo: b64url('not json') }), 400, 'InvalidParameter', 'ERR_VALIDATION');
  assertMaaError(await attest(app, 'AzureGuest', { ...body(info), quote: 'AAAA' }), 400, 'InvalidParameter', 'ERR_VALIDATION');
  assertMaaError(await attest(app, 'AzureGuest', body({ ...info, IsolationInfo: { Type: 'TrustedLaunch', Evidence: { Proof: '', RunTimeData: '' } } })), 400, 'InvalidParameter', 'ERR_EVIDENCE_UNSUPPORTED');
  await app.close();
});

test('SevSnpVm and TdxVm: an Azure CVM\'s hardware report with its runtime data as JSON get x-ms-compliance-status and the runtime keys', { skip }, async () => {
  const snpHcl = parseHclReport(vector(`${SNP_DIR}/hcl-report.bin`));
  const { app } = await testApp({ at: SNP_AT });
  const report = b64url(JSON.stringify({ SnpReport: b64url(snpHcl.hardwareReport), VcekCertChain: b64url(vectorText(`${SNP_DIR}/vcek.pem`)) }));
  const res = await attest(app, 'SevSnpVm', { report, runtimeData: { data: b64url(snpHcl.runtimeData), dataType: 'JSON' } });
  assert.equal(res.statusCode, 200, res.body);
  const { payload } = await verifiedToken(app, (res.json() as { token: string }).token);
  assert.equal(payload['x-ms-attestation-type'], 'sevsnpvm');
  assert.equal(payload['x-ms-compliance-status'], 'azure-compliant-cvm');
  assert.deepEqual((payload['x-ms-runtime'] as { keys: Claims[] }).keys.map((k) => k['kid']), ['HCLAkPub', 'HCLEkPub']);
  // Binary runtime data binds the same bytes but is no CVM claim set: no compliance status.
  const binary = await attest(app, 'SevSnpVm', { report, runtimeData: { data: b64url(snpHcl.runtimeData), dataType: 'Binary' } });
  assert.equal(binary.statusCode, 200, binary.body);
  assert.equal((await verifiedToken(app, (binary.json() as { token: string }).token)).payload['x-ms-compliance-status'], undefined);
  await app.close();

  const tdxHcl = parseHclReport(vector(`${TDX_DIR}/hcl-report.bin`));
  const tdx = await testApp({ at: TDX_AT, collateral: collateralFrom(TDX_COLLATERAL) });
  const quote = b64url(vector(`${TDX_DIR}/td-quote.bin`));
  const t = await attest(tdx.app, 'TdxVm', { quote, runtimeData: { data: b64url(tdxHcl.runtimeData), dataType: 'JSON' } });
  assert.equal(t.statusCode, 200, t.body);
  const tdxPayload = (await verifiedToken(tdx.app, (t.json() as { token: string }).token)).payload;
  assert.equal(tdxPayload['x-ms-compliance-status'], 'azure-compliant-cvm');
  assert.equal(tdxPayload['tdx_report_data'], createHash('sha256').update(tdxHcl.runtimeData).digest('hex') + '00'.repeat(32));
  // Another VM's runtime data is refused by the binding.
  assertMaaError(await attest(tdx.app, 'TdxVm', { quote, runtimeData: { data: b64url(snpHcl.runtimeData), dataType: 'JSON' } }), 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  await tdx.app.close();
});
