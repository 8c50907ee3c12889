/**
 * Interop: the unmodified @azure/attestation 1.0.0 AttestationAdministrationClient (with a fake
 * credential, tlsOptions.ca) against a spawned `confide serve`, in AAD mode (any bearer in dev)
 * and in isolated mode (a static bearer token, policy-management certificates). Policies set
 * through the SDK are then used by AttestationClient on a real quote, so these parts skip when
 * ../shared/vectors is absent.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttestationAdministrationClient,
  AttestationClient,
  createAttestationPolicyToken,
  KnownCertificateModification,
  KnownPolicyModification,
  type AttestationSigner,
} from '@azure/attestation';
import { DEFAULT_POLICIES } from '@confide/server';
import { vector, vectorPath, vectorsMissing } from '@confide/test-kit/vectors';
import { fakeCredential } from './interop/fake-credential.js';
import { maaPolicyHash, sha256, strict } from './interop/maa-checks.js';
import { startMaaServer, type MaaServer } from './interop/maa-server.js';
import { signingIdentity, type SigningIdentity } from './interop/signing-identity.js';
import { PHALA_COLLATERAL, PHALA_QUOTE } from './interop/vector-names.js';

const skip = vectorsMissing;
/** The DER behind a PEM the SDK returns, to compare certificates whatever their line breaks. */
const der = (pem: string): string => new X509Certificate(pem).raw.toString('base64');
const thumbprint = (id: SigningIdentity): string => createHash('sha1').update(Buffer.from(id.certificateB64, 'base64')).digest('hex').toUpperCase();
const signerDers = (signers: AttestationSigner[]): string[] => signers.map((s) => der(s.certificates[0]!)).sort();

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  details?: unknown;
}

/** A rejection predicate: HTTP status, MAA code and Confide code. */
function restError(status: number, maaCode: string, confideCode?: string) {
  return (err: RestErrorLike): boolean => {
    assert.equal(err.statusCode, status);
    assert.equal(err.code, maaCode);
    if (confideCode) assert.equal((err.details as { error?: { innererror?: { code?: string } } }).error?.innererror?.code, confideCode);
    return true;
  };
}

const CUSTOM_POLICY = [
  'version=1.0;',
  'authorizationrules{ c:[type=="$is-debuggable"] => permit(); };',
  'issuancerules{ => issue(type="set-by", value="interop-test"); c:[type=="$svn"] => issue(type="custom-svn", value=c.value); };',
].join(' ');

describe('AttestationAdministrationClient, AAD mode (dev: any bearer token)', () => {
  let server: MaaServer;
  let admin: AttestationAdministrationClient;
  let attest: AttestationClient;
  const credential = fakeCredential();
  let signer: SigningIdentity;

  before(async () => {
    server = await startMaaServer(skip ? [] : [vectorPath(PHALA_COLLATERAL)]);
    admin = new AttestationAdministrationClient(server.url, credential, { tlsOptions: { ca: server.ca }, validationOptions: strict(server.url) });
    attest = new AttestationClient(server.url, { tlsOptions: { ca: server.ca }, validationOptions: strict(server.url) });
    signer = await signingIdentity('interop policy signer');
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  it('getPolicy: the default SGX policy, in a token the SDK validated; the SDK asked for the MAA scope', async () => {
    const res = await admin.getPolicy('SgxEnclave');
    assert.equal(res.body, DEFAULT_POLICIES.SgxEnclave);
    assert.equal(res.token.algorithm, 'RS256');
    assert.equal(res.token.issuer, server.url);
    assert.ok(credential.scopes.includes('https://attest.azure.net/.default'), credential.scopes.join(' '));
    assert.equal((await admin.getPolicy('OpenEnclave')).body, DEFAULT_POLICIES.OpenEnclave);
  });

  it('setPolicy unsigned: Updated, with the hash of the JWS the SDK sent; getPolicy returns it', async () => {
    const res = await admin.setPolicy('SgxEnclave', CUSTOM_POLICY);
    assert.equal(res.body.policyResolution, KnownPolicyModification.Updated);
    // The SDK README's check: policyTokenHash is SHA-256 of the JWS exactly as sent.
    assert.deepEqual(Buffer.from(res.body.policyTokenHash), sha256(createAttestationPolicyToken(CUSTOM_POLICY).serialize()));
    assert.equal(res.body.policySigner, undefined);
    assert.equal((await admin.getPolicy('SgxEnclave')).body, CUSTOM_POLICY);
  });

  it('the stored policy governs AttestationClient on a real quote', { skip }, async () => {
    const { body, token } = await attest.attestSgxEnclave(vector(PHALA_QUOTE));
    assert.deepEqual(Buffer.from(body.policyHash), maaPolicyHash(CUSTOM_POLICY));
    const claims = token.getBody() as Record<string, unknown>;
    assert.equal(claims['set-by'], 'interop-test');
    assert.equal(claims['custom-svn'], 0);
    assert.equal(claims['sgx-mrenclave'], undefined, 'the default policy no longer issues its aliases');
  });

  it('setPolicy signed (RS256 key + certificate): Updated, the signer reported back; the hash is of the signed JWS', async () => {
    const text = CUSTOM_POLICY.replace('interop-test', 'interop-signed');
    const res = await admin.setPolicy('SgxEnclave', text, { privateKey: signer.privateKeyPem, certificate: signer.certificatePem });
    assert.equal(res.body.policyResolution, KnownPolicyModification.Updated);
    assert.ok(res.body.policySigner, 'x-ms-policy-signer');
    assert.deepEqual(signerDers([res.body.policySigner]), [signer.certificateB64]);
    // RSASSA-PKCS1-v1_5 is deterministic, so the SDK rebuilds the same JWS.
    assert.deepEqual(Buffer.from(res.body.policyTokenHash), sha256(createAttestationPolicyToken(text, signer.privateKeyPem, signer.certificatePem).serialize()));
    assert.equal((await admin.getPolicy('SgxEnclave')).body, text);
  });

  it('a policy that denies makes attestation fail with PolicyEvaluationError', { skip }, async () => {
    await admin.setPolicy('SgxEnclave', 'version=1.0; authorizationrules{ => deny(); };');
    await assert.rejects(attest.attestSgxEnclave(vector(PHALA_QUOTE)), restError(400, 'PolicyEvaluationError', 'ERR_POLICY_DENIED'));
  });

  it('resetPolicy: Removed, the hash of the empty unsigned JWS; getPolicy and attestation are back to the default', async () => {
    const res = await admin.resetPolicy('SgxEnclave');
    assert.equal(res.body.policyResolution, KnownPolicyModification.Removed);
    assert.deepEqual(Buffer.from(res.body.policyTokenHash), sha256('eyJhbGciOiJub25lIn0..'));
    assert.equal((await admin.getPolicy('SgxEnclave')).body, DEFAULT_POLICIES.SgxEnclave);
    if (!skip) {
      const { body } = await attest.attestSgxEnclave(vector(PHALA_QUOTE));
      assert.deepEqual(Buffer.from(body.policyHash), maaPolicyHash(DEFAULT_POLICIES.SgxEnclave));
    }
  });

  it('setPolicy with text that is no policy: 400 PolicyParsingError, nothing stored', async () => {
    await assert.rejects(admin.setPolicy('SgxEnclave', 'version=1.0; authorizationrules{ => permit() '), restError(400, 'PolicyParsingError'));
    assert.equal((await admin.getPolicy('SgxEnclave')).body, DEFAULT_POLICIES.SgxEnclave);
  });

  it('policy-management certificates: none in AAD mode, and adding one is a 409 InvalidOperation', async () => {
    assert.deepEqual((await admin.getPolicyManagementCertificates()).body, []);
    await assert.rejects(
      admin.addPolicyManagementCertificate(signer.certificatePem, signer.privateKeyPem, signer.certificatePem),
      restError(409, 'InvalidOperation', 'ERR_OPERATION_NOT_ALLOWED'),
    );
  });
});

describe('AttestationAdministrationClient, isolated mode (static bearer token, policy-management certificates)', () => {
  const TOKEN = 'interop-static-token';
  let server: MaaServer;
  let admin: AttestationAdministrationClient;
  let first: SigningIdentity;
  let second: SigningIdentity;
  // The certificate file lives outside the server's data directory, which startMaaServer creates.
  const certDir = mkdtempSync(join(tmpdir(), 'confide-maa-certs-'));

  before(async () => {
    [first, second] = await Promise.all([signingIdentity('interop management 1'), signingIdentity('interop management 2')]);
    const pemPath = join(certDir, 'management.pem');
    writeFileSync(pemPath, first.certificatePem);
    server = await startMaaServer([], ['--attestation-mode', 'isolated', '--attestation-signing-certificates', pemPath], { CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: TOKEN });
    admin = new AttestationAdministrationClient(server.url, fakeCredential(TOKEN), { tlsOptions: { ca: server.ca }, validationOptions: strict(server.url) });
  });
  after(async () => {
    rmSync(certDir, { recursive: true, force: true });
    if (server) assert.equal(await server.stop(), 0);
  });

  it('another bearer token: 401 Unauthorized', async () => {
    const stranger = new AttestationAdministrationClient(server.url, fakeCredential('not-the-token'), { tlsOptions: { ca: server.ca } });
    await assert.rejects(stranger.getPolicy('SgxEnclave'), restError(401, 'Unauthorized', 'ERR_UNAUTHENTICATED'));
  });

  it('getPolicyManagementCertificates: the configured certificate', async () => {
    const res = await admin.getPolicyManagementCertificates();
    assert.deepEqual(signerDers(res.body), [first.certificateB64]);
  });

  it('setPolicy unsigned, or signed by a stranger: 400 InvalidOperation; signed by the management certificate: Updated', async () => {
    await assert.rejects(admin.setPolicy('SgxEnclave', CUSTOM_POLICY), restError(400, 'InvalidOperation', 'ERR_POLICY_SIGNER_UNTRUSTED'));
    await assert.rejects(
      admin.setPolicy('SgxEnclave', CUSTOM_POLICY, { privateKey: second.privateKeyPem, certificate: second.certificatePem }),
      restError(400, 'InvalidOperation', 'ERR_POLICY_SIGNER_UNTRUSTED'),
    );
    assert.equal((await admin.getPolicy('SgxEnclave')).body, DEFAULT_POLICIES.SgxEnclave);
    const res = await admin.setPolicy('SgxEnclave', CUSTOM_POLICY, { privateKey: first.privateKeyPem, certificate: first.certificatePem });
    assert.equal(res.body.policyResolution, KnownPolicyModification.Updated);
    assert.deepEqual(signerDers([res.body.policySigner!]), [first.certificateB64]);
    assert.equal((await admin.getPolicy('SgxEnclave')).body, CUSTOM_POLICY);
  });

  it('addPolicyManagementCertificate: IsPresent with the SHA-1 thumbprint; the new signer may then set policies', async () => {
    const res = await admin.addPolicyManagementCertificate(second.certificatePem, first.privateKeyPem, first.certificatePem);
    assert.equal(res.body.certificateResolution, KnownCertificateModification.IsPresent);
    assert.equal(res.body.certificateThumbprint, thumbprint(second));
    assert.deepEqual(signerDers((await admin.getPolicyManagementCertificates()).body), [first.certificateB64, second.certificateB64].sort());
    const set = await admin.setPolicy('OpenEnclave', CUSTOM_POLICY, { privateKey: second.privateKeyPem, certificate: second.certificatePem });
    assert.equal(set.body.policyResolution, KnownPolicyModification.Updated);
  });

  it('removePolicyManagementCertificate: IsAbsent; the removed signer is refused; the last certificate stays (409)', async () => {
    const res = await admin.removePolicyManagementCertificate(second.certificatePem, first.privateKeyPem, first.certificatePem);
    assert.equal(res.body.certificateResolution, KnownCertificateModification.IsAbsent);
    assert.equal(res.body.certificateThumbprint, thumbprint(second));
    assert.deepEqual(signerDers((await admin.getPolicyManagementCertificates()).body), [first.certificateB64]);
    await assert.rejects(
      admin.addPolicyManagementCertificate(second.certificatePem, second.privateKeyPem, second.certificatePem),
      restError(400, 'InvalidOperation', 'ERR_POLICY_SIGNER_UNTRUSTED'),
    );
    await assert.rejects(
      admin.removePolicyManagementCertificate(first.certificatePem, first.privateKeyPem, first.certificatePem),
      restError(409, 'InvalidOperation', 'ERR_OPERATION_NOT_ALLOWED'),
    );
  });

  it('resetPolicy needs the management signature too', async () => {
    await assert.rejects(admin.resetPolicy('SgxEnclave'), restError(400, 'InvalidOperation', 'ERR_POLICY_SIGNER_UNTRUSTED'));
    const res = await admin.resetPolicy('SgxEnclave', { privateKey: first.privateKeyPem, certificate: first.certificatePem });
    assert.equal(res.body.policyResolution, KnownPolicyModification.Removed);
    assert.deepEqual(signerDers([res.body.policySigner!]), [first.certificateB64]);
    assert.equal((await admin.getPolicy('SgxEnclave')).body, DEFAULT_POLICIES.SgxEnclave);
  });
});
