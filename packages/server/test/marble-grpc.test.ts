/**
 * MarbleRun's gRPC marble API (rpc.Marble/Activate on its own listener) driven as a MarbleRun
 * premain drives it (marble-grpc-helpers.ts): the certificate issued as
 * coordinator/core/marbleapi.go generateCertFromCSR issues it, the variables customizeParameters
 * adds, the listener's certificate as core.GetTLSMarbleRootCertificate serves it, and the
 * refusals with the status codes Activate answers (FailedPrecondition, PermissionDenied,
 * InvalidArgument), Confide's code in the `confide-error-code` trailer.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, randomUUID, X509Certificate } from 'node:crypto';
import { connect, type PeerCertificate } from 'node:tls';
import { once } from 'node:events';
import { status, type ServiceError } from '@grpc/grpc-js';
import * as x509 from '@peculiar/x509';
import { pemDecode, toHex, utf8 } from '@confide/core';
import { CoordinatorService, createMemorySealProvider, createMockValidator, MARBLE_TYPE_OID } from '@confide/coordinator';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore } from '@confide/store';
import { startMarbleApi, ERROR_CODE_TRAILER } from '../src/marble-api/index.js';
import { activate, premainIdentity, simulatedQuote, type PremainIdentity } from './marble-grpc-helpers.js';

const UNIQUE_ID = 'ab'.repeat(32);
const OTHER_ID = 'cd'.repeat(32);

const MANIFEST = {
  Packages: { backend: { UniqueID: UNIQUE_ID, Debug: false }, other: { UniqueID: OTHER_ID, Debug: false } },
  Marbles: {
    backend: {
      Package: 'backend',
      Parameters: {
        Files: { '/dev/attestation/cert.pem': '{{ pem .MarbleRun.MarbleCert.Cert }}' },
        Env: { GREETING: 'hello', MARBLE_PREDEFINED_ROOT_CA: 'the manifest loses this one' },
        Argv: ['backend', '--serve'],
      },
    },
    single: { Package: 'backend', MaxActivations: 1 },
    wrong: { Package: 'other' },
  },
};

const store = openSqliteStore(':memory:');
// The mock validator reads the "quote" as its report data: the binding check compares it with SHA-256 of the TLS peer certificate.
const validator = createMockValidator((quote) => ({ tee: 'sgx', reportData: toHex(quote), measurement: UNIQUE_ID, debug: false, tcbStatus: 'UpToDate' }));
const coordinator = await CoordinatorService.start({ store, seal: createMemorySealProvider(new Uint8Array(32).fill(9)), evidence: { collateral: emptyCollateral }, validator });
const api = await startMarbleApi({ coordinator, host: '127.0.0.1', port: 0 });
const address = `127.0.0.1:${api.address.port}`;
after(async () => {
  await api.close();
  await store.close();
});

const env = (answer: { Parameters: { Env: Record<string, Buffer> } }, name: string): string => answer.Parameters.Env[name]!.toString('utf8');
const refusedWith = (grpcStatus: status, code: string) => (err: unknown) => {
  const e = err as ServiceError;
  assert.equal(e.code, grpcStatus, e.details);
  assert.deepEqual(e.metadata.get(ERROR_CODE_TRAILER), [code]);
  return true;
};
const request = (id: PremainIdentity, marbleType: string, uuid: string = randomUUID(), quote = simulatedQuote(id.certDer)) => ({ Quote: quote, CSR: id.csrDer, MarbleType: marbleType, UUID: uuid });

test('before a manifest: FailedPrecondition (ERR_COORDINATOR_STATE), as Activate in the wrong state', async () => {
  const id = await premainIdentity();
  await assert.rejects(activate(address, id, request(id, 'backend')), refusedWith(status.FAILED_PRECONDITION, 'ERR_COORDINATOR_STATE'));
});

test('a premain activates: parameters, MarbleRun variables and the certificate as generateCertFromCSR issues it', async () => {
  await coordinator.setManifest(utf8(JSON.stringify(MANIFEST)));
  const id = await premainIdentity(['localhost', 'backend.svc']);
  const uuid = randomUUID().toUpperCase(); // the CN is the UUID's canonical (lower-case) string
  const before = Math.floor(Date.now() / 1000) * 1000;
  const answer = await activate(address, id, request(id, 'backend', uuid));

  assert.deepEqual(answer.Parameters.Argv, ['backend', '--serve']);
  assert.equal(env(answer, 'GREETING'), 'hello');
  const chain = env(answer, 'MARBLE_PREDEFINED_MARBLE_CERTIFICATE_CHAIN');
  const [leafPem, intermediatePem] = chain.split(/(?<=-----END CERTIFICATE-----\n)/);
  assert.equal(answer.Parameters.Files['/dev/attestation/cert.pem']!.toString('utf8'), leafPem);
  const leaf = new X509Certificate(leafPem!);
  const marbleRoot = new X509Certificate(env(answer, 'MARBLE_PREDEFINED_ROOT_CA'));
  const coordinatorRoot = new X509Certificate(env(answer, 'MARBLE_PREDEFINED_COORDINATOR_ROOT_CA'));
  // MARBLE_PREDEFINED_ROOT_CA is the Marble root (customizeParameters: authSecrets.RootCA), over the manifest's entry.
  assert.notEqual(marbleRoot.fingerprint256, coordinatorRoot.fingerprint256);
  assert.ok(leaf.verify(marbleRoot.publicKey));
  assert.ok(new X509Certificate(intermediatePem!).verify(coordinatorRoot.publicKey));
  assert.equal(leaf.issuer, marbleRoot.subject);

  // The coordinator's P-384 key, handed out as MARBLE_PREDEFINED_PRIVATE_KEY; not the CSR's key.
  const key = createPrivateKey(env(answer, 'MARBLE_PREDEFINED_PRIVATE_KEY'));
  assert.ok(createPublicKey(key).equals(leaf.publicKey));
  assert.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, 'secp384r1');
  assert.ok(!leaf.publicKey.equals(new X509Certificate(Buffer.from(id.certDer)).publicKey));

  assert.equal(leaf.subject, `CN=${uuid.toLowerCase()}`);
  assert.equal(leaf.subjectAltName, 'DNS:localhost, DNS:backend.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  assert.equal(new Date(leaf.validFrom).getTime() >= before, true);
  // notBefore.Add(math.MaxInt64): 292 years, 101 days and some hours later.
  const years = (new Date(leaf.validTo).getTime() - new Date(leaf.validFrom).getTime()) / (365.2425 * 86_400_000);
  assert.ok(years > 292.2 && years < 292.3, String(years));

  const parsed = new x509.X509Certificate(leaf.raw);
  // Extensions in the order Go's x509.CreateCertificate writes them, ExtraExtensions last.
  assert.deepEqual([...parsed.extensions].map((e) => e.type), ['2.5.29.15', '2.5.29.37', '2.5.29.19', '2.5.29.35', '2.5.29.17', MARBLE_TYPE_OID]);
  assert.equal(parsed.getExtension(x509.KeyUsagesExtension)!.usages, x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement);
  assert.equal(parsed.getExtension(x509.KeyUsagesExtension)!.critical, true);
  assert.deepEqual([...parsed.getExtension(x509.ExtendedKeyUsageExtension)!.usages], [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]);
  assert.equal(parsed.getExtension(x509.BasicConstraintsExtension)!.ca, false);
  // pkix.Extension{Id: oid.MarbleType, Value: []byte(marbleType)}: the type's bytes, not DER-wrapped.
  assert.equal(Buffer.from(parsed.getExtension(MARBLE_TYPE_OID)!.value).toString('utf8'), 'backend');
});

test('the listener presents the Marble root with the intermediate key (core.GetTLSMarbleRootCertificate)', async () => {
  const id = await premainIdentity();
  const answer = await activate(address, id, request(id, 'backend'));
  const socket = connect({ host: '127.0.0.1', port: api.address.port, cert: id.certPem, key: id.keyPem, rejectUnauthorized: false, ALPNProtocols: ['h2'] });
  await once(socket, 'secureConnect');
  const served: PeerCertificate = socket.getPeerCertificate();
  socket.destroy();
  assert.equal(socket.alpnProtocol, 'h2');
  assert.deepEqual(new Uint8Array(served.raw), pemDecode(env(answer, 'MARBLE_PREDEFINED_ROOT_CA'), 'CERTIFICATE'));
});

test('the quote must bind the whole certificate of this TLS connection: another certificate, or only its key, is PermissionDenied', async () => {
  const [id, other] = await Promise.all([premainIdentity(), premainIdentity()]);
  await assert.rejects(activate(address, id, request(id, 'backend', randomUUID(), simulatedQuote(other.certDer))), refusedWith(status.PERMISSION_DENIED, 'ERR_EVIDENCE_BINDING_MISMATCH'));
  const spkiOnly = new Uint8Array(64);
  spkiOnly.set(new Uint8Array(await crypto.subtle.digest('SHA-256', new X509Certificate(Buffer.from(id.certDer)).publicKey.export({ type: 'spki', format: 'der' }))));
  await assert.rejects(activate(address, id, request(id, 'backend', randomUUID(), spkiOnly)), refusedWith(status.PERMISSION_DENIED, 'ERR_EVIDENCE_BINDING_MISMATCH'));
  // The same quote over its own connection passes: each connection's certificate is its own, also in parallel.
  const answers = await Promise.all([activate(address, id, request(id, 'backend')), activate(address, other, request(other, 'backend'))]);
  assert.equal(answers.length, 2);
});

test('refusals: wrong package and MaxActivations (a restart of the same UUID too) are PermissionDenied, a bad UUID or CSR InvalidArgument', async () => {
  const id = await premainIdentity();
  await assert.rejects(activate(address, id, request(id, 'wrong')), refusedWith(status.PERMISSION_DENIED, 'ERR_ACTIVATION_REFUSED'));
  await assert.rejects(activate(address, id, request(id, 'nonexistent')), refusedWith(status.PERMISSION_DENIED, 'ERR_ACTIVATION_REFUSED'));
  // MarbleRun coordinator/core/marbleapi.go: the count is per type and every activation takes a place, so the
  // same marble (same UUID) starting again is refused too, PermissionDenied in verifyManifestRequirement's words.
  const uuid = randomUUID();
  await activate(address, id, request(id, 'single', uuid));
  await assert.rejects(activate(address, id, request(id, 'single', uuid)), (err: ServiceError) => {
    refusedWith(status.PERMISSION_DENIED, 'ERR_MAX_ACTIVATIONS')(err);
    assert.equal(err.details, 'marble verification failed: reached max activations count (1) for marble type "single"');
    return true;
  });
  await assert.rejects(activate(address, id, request(id, 'single')), refusedWith(status.PERMISSION_DENIED, 'ERR_MAX_ACTIVATIONS'));
  await assert.rejects(activate(address, id, request(id, 'backend', 'not-a-uuid')), refusedWith(status.INVALID_ARGUMENT, 'ERR_VALIDATION'));
  const tampered = Uint8Array.from(id.csrDer);
  tampered[tampered.length - 5]! ^= 1;
  await assert.rejects(activate(address, id, { ...request(id, 'backend'), CSR: tampered }), refusedWith(status.INVALID_ARGUMENT, 'ERR_VALIDATION'));
});

test('without a client certificate there is no connection (tls.RequireAnyClientCert): Unavailable', async () => {
  const id = await premainIdentity();
  await assert.rejects(activate(address, undefined, request(id, 'backend')), (err: ServiceError) => err.code === status.UNAVAILABLE);
});
