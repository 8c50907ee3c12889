/**
 * Interop: the unmodified @azure/attestation 1.0.0 AttestationClient against a spawned
 * `confide serve`, over HTTPS trusting only the generated local CA, on real quotes from the
 * vectors. The tokens are also checked independently with jose. Skips when ../shared/vectors is absent.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AttestationClient, type AttestationSigner } from '@azure/attestation';
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, errors, importX509, jwtVerify } from 'jose';
import { DEFAULT_POLICIES } from '@confide/server';
import { vector, vectorPath, vectorsMissing } from '@confide/test-kit/vectors';
import { caFetch } from './interop/https-fetch.js';
import { signingIdentity } from './interop/signing-identity.js';
import { maaPolicyHash, sha256, strict } from './interop/maa-checks.js';
import { startMaaServer, type MaaServer } from './interop/maa-server.js';
import { AZURE_SAMPLE_REQUEST, MOBILECOIN_COLLATERAL, PHALA_COLLATERAL, PHALA_QUOTE } from './interop/vector-names.js';

const skip = vectorsMissing;

interface SampleRequest {
  Quote: string;
  EnclaveHeldData: string;
}

describe('AttestationClient (no credential, tlsOptions.ca) against confide serve', { skip }, () => {
  let server: MaaServer;
  let client: AttestationClient;
  const quote = skip ? Buffer.alloc(0) : Buffer.from(vector(PHALA_QUOTE));
  const sample = skip ? { Quote: '', EnclaveHeldData: '' } : (JSON.parse(readFileSync(vectorPath(AZURE_SAMPLE_REQUEST), 'utf8')) as SampleRequest);
  const oeReport = Buffer.from(sample.Quote, 'base64url');
  const ehd = Buffer.from(sample.EnclaveHeldData, 'base64url');

  before(async () => {
    server = await startMaaServer([vectorPath(PHALA_COLLATERAL), vectorPath(MOBILECOIN_COLLATERAL)]);
    assert.equal(server.url, new URL(server.url).origin, 'the issuer is a bare origin');
    client = new AttestationClient(server.url, { tlsOptions: { ca: server.ca }, validationOptions: strict(server.url) });
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0, 'serve exits 0 on SIGTERM');
  });

  it('attestSgxEnclave: the Phala quote gives a validated RS256 token with its SGX claims', async () => {
    const { body, token } = await client.attestSgxEnclave(quote);
    assert.equal(token.algorithm, 'RS256');
    assert.equal(token.type, 'JWT');
    assert.equal(token.keyUrl, `${server.url}/certs`);
    assert.equal(body.issuer, server.url);
    assert.equal(body.version, '1.0');
    assert.equal(body.verifierType, 'sgx');
    assert.match(body.uniqueId, /^[0-9a-f]{64}$/);
    // Report body of an SGX v3 quote (48-byte header): MRENCLAVE at 112, MRSIGNER at 176.
    assert.equal(body.mrEnclave, quote.subarray(112, 144).toString('hex'));
    assert.equal(body.mrEnclave, '33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb');
    assert.equal(body.mrSigner, '815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6');
    assert.equal(body.productId, 0);
    assert.equal(body.svn, 0);
    assert.equal(body.isDebuggable, false);
    assert.equal(body.enclaveHeldData, undefined);
    assert.equal(body.runTimeClaims, undefined);
    assert.deepEqual(Buffer.from(body.policyHash), maaPolicyHash(DEFAULT_POLICIES.SgxEnclave));
    assert.equal(body.sgxCollateral?.quotehash, sha256(quote).toString('hex'));
    const claims = token.getBody() as Record<string, unknown>;
    assert.equal(claims['x-ms-sgx-report-data'], Buffer.from('Hello, world!').toString('hex').padEnd(128, '0'));
    assert.equal(claims['x-ms-sgx-tcbidentifier'], 'azuredefault');
    assert.equal(claims['sgx-mrenclave'], body.mrEnclave);
    assert.equal(claims['x-confide-tcb-status'], 'ConfigurationAndSWHardeningNeeded');
    // Verification runs at the system clock: the 2025 collateral is past its nextUpdate, which is a claim, not a failure.
    assert.equal(claims['x-confide-collateral-expired'], true);
    assert.equal((claims['exp'] as number) - (claims['iat'] as number), 8 * 3600);
    assert.equal(claims['nbf'], claims['iat']);
  });

  it('attestOpenEnclave: the Azure sample report binds its EnclaveHeldData as runtimeData; the claims match the real MAA token', async () => {
    const { body } = await client.attestOpenEnclave(oeReport, { runTimeData: ehd });
    // Values from the token the real MAA issued for this request (maa-uks-2020.attest.response.decoded.txt).
    assert.equal(body.mrEnclave, '90a328210154d861be7fc85a904e99fba713b05029321a470f62ea8495ec7d90');
    assert.equal(body.mrSigner, '6b1f95f512413b03759aaec2ec2b27cc2735468bb6113ccca163da92ca2b9b26');
    assert.equal(body.productId, 1);
    assert.equal(body.svn, 8888);
    assert.equal(body.isDebuggable, false);
    assert.equal(body.verifierType, 'sgx');
    assert.deepEqual(Buffer.from(body.enclaveHeldData!), ehd);
    assert.equal(body.sgxCollateral?.quotehash, 'e2e7d0d775f53b47b9bc9c579565cd5bca0cd0c51ccb9a99c1f076e1730607df');
    assert.equal(body.runTimeClaims, undefined, 'Binary runtime data is not parsed');
  });

  it('attestOpenEnclave: runtimeData that is not the bound data is a RestError 400 InvalidParameter', async () => {
    await assert.rejects(client.attestOpenEnclave(oeReport, { runTimeData: Buffer.from('not the enclave held data') }), (err: { statusCode?: number; code?: string; details?: unknown }) => {
      assert.equal(err.statusCode, 400);
      assert.equal(err.code, 'InvalidParameter');
      assert.equal((err.details as { error: { innererror: { code: string } } }).error.innererror.code, 'ERR_EVIDENCE_BINDING_MISMATCH');
      return true;
    });
  });

  it('attestOpenEnclave: runTimeJson sends dataType JSON, so bytes that are not JSON are a 400 InvalidParameter', async () => {
    await assert.rejects(client.attestOpenEnclave(oeReport, { runTimeJson: ehd }), (err: { statusCode?: number; code?: string }) => {
      assert.equal(err.statusCode, 400);
      assert.equal(err.code, 'InvalidParameter');
      return true;
    });
  });

  it('attestSgxEnclave: a changed report body byte is a RestError 400 InvalidParameter', async () => {
    const forged = Buffer.from(quote);
    forged[112]! ^= 0x01;
    await assert.rejects(client.attestSgxEnclave(forged), (err: { statusCode?: number; code?: string; details?: unknown }) => {
      assert.equal(err.statusCode, 400);
      assert.equal(err.code, 'InvalidParameter');
      assert.equal((err.details as { error: { innererror: { code: string } } }).error.innererror.code, 'ERR_EVIDENCE_SIGNATURE_INVALID');
      return true;
    });
  });

  it('draftPolicyForAttestation: the SDK accepts the unsigned token and returns the draft-issued claims', async () => {
    const draft = 'version=1.0; authorizationrules{ => permit(); }; issuancerules{ c:[type=="x-ms-sgx-svn"] => issue(type="draft-svn", value=c.value); };';
    const { body, token } = await client.attestSgxEnclave(quote, { draftPolicyForAttestation: draft });
    assert.equal(token.algorithm, 'none');
    assert.equal(token.serialize().split('.')[2], '', 'empty signature');
    assert.deepEqual(Buffer.from(body.policyHash), maaPolicyHash(draft));
    assert.equal((token.getBody() as Record<string, unknown>)['draft-svn'], 0);
    const denying = 'version=1.0; authorizationrules{ => deny(); };';
    await assert.rejects(client.attestSgxEnclave(quote, { draftPolicyForAttestation: denying }), (err: { statusCode?: number; code?: string }) => {
      assert.equal(err.statusCode, 400);
      assert.equal(err.code, 'PolicyEvaluationError');
      return true;
    });
  });

  it('getOpenIdMetadata names this issuer and its /certs', async () => {
    const meta = await client.getOpenIdMetadata();
    assert.equal(meta['issuer'], server.url);
    assert.equal(meta['jwks_uri'], `${server.url}/certs`);
    assert.deepEqual(meta['id_token_signing_alg_values_supported'], ['RS256']);
  });

  it("the SDK's own validation: getTokenProblems against getAttestationSigners is clean, and does catch a wrong issuer or signer", async () => {
    const { token } = await client.attestSgxEnclave(quote);
    const signers = await client.getAttestationSigners();
    assert.ok(signers.length >= 1);
    const signer = signers.find((s) => s.keyId === token.keyId);
    assert.ok(signer, 'the token kid is among the attestation signers');
    assert.match(signer.certificates[0]!, /^-----BEGIN CERTIFICATE-----/);
    assert.deepEqual(token.getTokenProblems(signers, strict(server.url)), []);
    // The checks are live: a wrong expected issuer and a foreign certificate under the same kid are both reported.
    assert.deepEqual(token.getTokenProblems(signers, strict('https://other.example')), [`Found issuer: ${server.url}; expected issuer: https://other.example`]);
    const impostor: AttestationSigner = { keyId: token.keyId, certificates: [(await signingIdentity('impostor')).certificatePem] };
    assert.deepEqual(token.getTokenProblems([impostor], strict(server.url)), ['Attestation Token is not properly signed.']);
    // A client expecting another issuer refuses the server's token outright.
    const wary = new AttestationClient(server.url, { tlsOptions: { ca: server.ca }, validationOptions: strict('https://other.example') });
    await assert.rejects(wary.attestSgxEnclave(quote), /expected issuer: https:\/\/other\.example/);
  });

  it('jose: the token verifies against the remote JWKS at /certs (RS256, issuer, kid), and against the x5c certificate', async () => {
    const { token } = await client.attestSgxEnclave(quote);
    const jwt = token.serialize();
    const header = decodeProtectedHeader(jwt);
    assert.equal(header.alg, 'RS256');
    assert.equal(header.typ, 'JWT');
    assert.equal(header.jku, `${server.url}/certs`);
    assert.equal(typeof header.kid, 'string');
    const fetchWithCa = caFetch(server.ca);
    const jwks = createRemoteJWKSet(new URL(header.jku!), { [customFetch]: fetchWithCa });
    const verified = await jwtVerify(jwt, jwks, { issuer: server.url, algorithms: ['RS256'], typ: 'JWT' });
    assert.equal(verified.protectedHeader.kid, header.kid);
    assert.equal(verified.payload['x-ms-sgx-mrenclave'], '33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb');

    // The x5c certificate of the kid: self-signed, its key the one that verifies.
    const certs = (await (await fetchWithCa(`${server.url}/certs`)).json()) as { keys: { kid: string; x5c: string[] }[] };
    const jwk = certs.keys.find((k) => k.kid === header.kid);
    assert.ok(jwk);
    const x509 = new X509Certificate(Buffer.from(jwk.x5c[0]!, 'base64'));
    assert.ok(x509.verify(x509.publicKey), 'the x5c certificate is self-signed');
    const pem = `-----BEGIN CERTIFICATE-----\n${jwk.x5c[0]!.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----`;
    const fromCert = await jwtVerify(jwt, await importX509(pem, 'RS256'), { issuer: server.url, algorithms: ['RS256'] });
    assert.equal(fromCert.payload.jti, verified.payload.jti);

    // Negative controls: a changed payload, another issuer, another algorithm.
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, 'x-ms-sgx-svn': 1 })).toString('base64url')}.${s}`;
    await assert.rejects(jwtVerify(tampered, jwks, { issuer: server.url }), errors.JWSSignatureVerificationFailed);
    await assert.rejects(jwtVerify(jwt, jwks, { issuer: 'https://other.example' }), (err: { code?: string; claim?: string }) => err.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && err.claim === 'iss');
    await assert.rejects(jwtVerify(jwt, jwks, { algorithms: ['PS256'] }), (err: { code?: string }) => err.code === 'ERR_JOSE_ALG_NOT_ALLOWED');
  });
});
