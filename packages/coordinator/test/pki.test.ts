import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { once } from 'node:events';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import { isConfideError, pemEncode } from '@confide/core';
import { decodeState, encodeState } from '../src/core/state-codec.js';
import {
  createCoordinatorPki,
  generateMarbleKeyPair,
  issueFromCsr,
  issueMarbleCertificate,
  issueMarbleRunCertificate,
  rotateIntermediate,
  rotateRootSecret,
  type CoordinatorPki,
} from '../src/pki/index.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const NOW = new Date('2026-03-01T10:00:00.000Z');
const UUID = '6f0c5e5e-1b2c-4d3e-8f90-a1b2c3d4e5f6';
const code = (c: string) => (err: unknown) => isConfideError(err) && err.code === c;
const publicOf = (pkcs8: Uint8Array) => createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }));
const cert = (pem: string | Uint8Array) => new X509Certificate(typeof pem === 'string' ? pem : Buffer.from(pem));

let shared: Promise<CoordinatorPki> | undefined;
const pki = () => (shared ??= createCoordinatorPki(NOW));

/** Key usage bits of a certificate as peculiar reports them. */
function keyUsage(c: X509Certificate): number | undefined {
  return new x509.X509Certificate(c.raw).getExtension(x509.KeyUsagesExtension)?.usages;
}

test('root and intermediate are P-384 CAs with the fixed names; the intermediate verifies under the root', async () => {
  const p = await pki();
  const root = cert(p.rootCert);
  const intermediate = cert(p.intermediateCert);
  assert.equal(root.subject, 'CN=Confide Coordinator Root');
  assert.equal(root.issuer, 'CN=Confide Coordinator Root');
  assert.equal(intermediate.subject, 'CN=Confide Coordinator Intermediate');
  assert.equal(intermediate.issuer, 'CN=Confide Coordinator Root');
  for (const c of [root, intermediate]) {
    assert.equal(c.ca, true);
    assert.equal(c.publicKey.asymmetricKeyDetails?.namedCurve, 'secp384r1');
    assert.equal(new Date(c.validFrom).toISOString(), '2026-03-01T10:00:00.000Z');
    assert.equal(new Date(c.validTo).toISOString(), '9999-12-31T23:59:59.000Z');
    assert.equal(keyUsage(c), x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature);
  }
  assert.ok(root.verify(root.publicKey));
  assert.ok(intermediate.checkIssued(root));
  assert.ok(intermediate.verify(root.publicKey));
  assert.equal(intermediate.verify(intermediate.publicKey), false);
  // The stored keys belong to the certificates.
  assert.ok(publicOf(p.rootKey).equals(root.publicKey));
  assert.ok(publicOf(p.intermediateKey).equals(intermediate.publicKey));
  assert.equal(p.rootSecret.length, 32);
  assert.equal(p.previousRootSecret, undefined);
});

test('the Marble root is the intermediate subject and key, self-signed', async () => {
  const p = await pki();
  const marbleRoot = cert(p.marbleRootCert);
  const intermediate = cert(p.intermediateCert);
  assert.equal(marbleRoot.subject, intermediate.subject);
  assert.equal(marbleRoot.issuer, intermediate.subject);
  assert.ok(marbleRoot.publicKey.equals(intermediate.publicKey));
  assert.ok(marbleRoot.verify(marbleRoot.publicKey));
  assert.equal(marbleRoot.ca, true);
});

test('a marble certificate has exactly the documented fields and verifies under intermediate and Marble root', async () => {
  const p = await pki();
  const keys = await generateMarbleKeyPair();
  const issued = await issueMarbleCertificate(p, { uuid: UUID, dnsNames: ['backend', 'backend.shop.svc', '10.0.0.7'], publicKey: keys.publicKey, now: NOW });
  const leaf = cert(issued.cert);
  assert.equal(issued.certPem, pemEncode('CERTIFICATE', issued.cert));
  assert.equal(issued.chainPem, issued.certPem + p.intermediateCert);
  assert.equal(leaf.subject, `CN=${UUID}`);
  assert.equal(leaf.issuer, 'CN=Confide Coordinator Intermediate');
  assert.equal(leaf.subjectAltName, 'DNS:backend, DNS:backend.shop.svc, IP Address:10.0.0.7, DNS:localhost, IP Address:127.0.0.1');
  assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  assert.equal(keyUsage(leaf), x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement);
  assert.equal(leaf.ca, false);
  assert.equal(new Date(leaf.validFrom).toISOString(), '2026-03-01T10:00:00.000Z');
  assert.equal(new Date(leaf.validTo).toISOString(), '9999-12-31T23:59:59.000Z');
  assert.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.deepEqual(new Uint8Array(leaf.publicKey.export({ format: 'der', type: 'spki' })), keys.publicKeySpki);
  assert.ok(publicOf(keys.privateKeyPkcs8).equals(leaf.publicKey));
  assert.ok(leaf.checkIssued(cert(p.intermediateCert)));
  assert.ok(leaf.verify(cert(p.intermediateCert).publicKey));
  assert.ok(leaf.checkIssued(cert(p.marbleRootCert)));
  assert.ok(leaf.verify(cert(p.marbleRootCert).publicKey));
  assert.equal(leaf.verify(cert(p.rootCert).publicKey), false);
});

test('localhost and 127.0.0.1 are not repeated; SPKI bytes are accepted as the key', async () => {
  const p = await pki();
  const keys = await generateMarbleKeyPair();
  const issued = await issueMarbleCertificate(p, { uuid: UUID, dnsNames: ['127.0.0.1', 'LOCALHOST'], publicKey: keys.publicKeySpki, now: NOW });
  assert.equal(cert(issued.cert).subjectAltName, 'IP Address:127.0.0.1, DNS:localhost');
});

test('a bad UUID or DNS name is refused with ERR_VALIDATION', async () => {
  const p = await pki();
  const keys = await generateMarbleKeyPair();
  await assert.rejects(issueMarbleCertificate(p, { uuid: 'backend-1', publicKey: keys.publicKey, now: NOW }), code('ERR_VALIDATION'));
  await assert.rejects(issueMarbleCertificate(p, { uuid: UUID, dnsNames: ['bad name'], publicKey: keys.publicKey, now: NOW }), code('ERR_VALIDATION'));
  await assert.rejects(issueMarbleCertificate(p, { uuid: UUID, dnsNames: ['a..b'], publicKey: keys.publicKey, now: NOW }), code('ERR_VALIDATION'));
});

async function csrPem(names: string[], keys?: CryptoKeyPair): Promise<{ pem: string; keys: CryptoKeyPair }> {
  const k = keys ?? ((await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=chosen by the marble, O=Evil',
    keys: k,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value })))],
  });
  return { pem: csr.toString('pem'), keys: k };
}

test('a CSR is issued with CN=uuid, its SANs plus the requested ones, and its own key', async () => {
  const p = await pki();
  const { pem, keys } = await csrPem(['from-csr']);
  const issued = await issueFromCsr(p, pem, { uuid: UUID, dnsNames: ['extra'], now: NOW });
  const leaf = cert(issued.cert);
  assert.equal(leaf.subject, `CN=${UUID}`);
  assert.equal(leaf.subjectAltName, 'DNS:from-csr, DNS:extra, DNS:localhost, IP Address:127.0.0.1');
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  assert.deepEqual(new Uint8Array(leaf.publicKey.export({ format: 'der', type: 'spki' })), spki);
  assert.ok(leaf.verify(cert(p.intermediateCert).publicKey));
});

test('a CSR with a broken signature or garbage is refused with ERR_VALIDATION', async () => {
  const p = await pki();
  const { pem } = await csrPem(['x']);
  const der = new x509.Pkcs10CertificateRequest(pem).rawData;
  const tampered = new Uint8Array(der.slice(0));
  tampered[40] = tampered[40]! ^ 0x01; // inside the signed subject
  await assert.rejects(issueFromCsr(p, pemEncode('CERTIFICATE REQUEST', tampered), { uuid: UUID, now: NOW }), code('ERR_VALIDATION'));
  await assert.rejects(issueFromCsr(p, 'not a csr', { uuid: UUID, now: NOW }), code('ERR_VALIDATION'));
});

test('rotating the intermediate keeps root and root secret; old leaves no longer verify under the new intermediate', async () => {
  const p = await pki();
  const keys = await generateMarbleKeyPair();
  const before = await issueMarbleCertificate(p, { uuid: UUID, publicKey: keys.publicKey, now: NOW });
  const later = new Date('2026-04-01T00:00:00Z');
  const q = await rotateIntermediate(p, later);
  assert.equal(q.rootCert, p.rootCert);
  assert.deepEqual(q.rootKey, p.rootKey);
  assert.deepEqual(q.rootSecret, p.rootSecret);
  assert.notEqual(q.intermediateCert, p.intermediateCert);
  assert.notDeepEqual(q.intermediateKey, p.intermediateKey);
  assert.notEqual(q.marbleRootCert, p.marbleRootCert);
  const newIntermediate = cert(q.intermediateCert);
  assert.ok(newIntermediate.verify(cert(p.rootCert).publicKey));
  assert.equal(new Date(newIntermediate.validFrom).toISOString(), '2026-04-01T00:00:00.000Z');
  assert.ok(cert(q.marbleRootCert).publicKey.equals(newIntermediate.publicKey));
  assert.equal(cert(before.cert).verify(newIntermediate.publicKey), false);
  const after = await issueMarbleCertificate(q, { uuid: UUID, publicKey: keys.publicKey, now: later });
  assert.ok(cert(after.cert).verify(newIntermediate.publicKey));
});

test('rotating the root secret keeps the old one as previous', async () => {
  const p = await pki();
  const q = rotateRootSecret(p);
  assert.deepEqual(q.previousRootSecret, p.rootSecret);
  assert.equal(q.rootSecret.length, 32);
  assert.notDeepEqual(q.rootSecret, p.rootSecret);
  assert.equal(q.intermediateCert, p.intermediateCert);
});

test('the state survives the state codec and still issues', async () => {
  const p = rotateRootSecret(await pki());
  const back = decodeState<CoordinatorPki>(encodeState(p));
  assert.deepEqual(back, p);
  const keys = await generateMarbleKeyPair();
  const issued = await issueMarbleCertificate(back, { uuid: UUID, publicKey: keys.publicKey, now: NOW });
  assert.ok(cert(issued.cert).verify(cert(p.intermediateCert).publicKey));
});

test('two marbles talk mutual TLS trusting only the coordinator root', async () => {
  const p = await pki();
  const issue = async (name: string) => {
    const k = await generateMarbleKeyPair();
    const c = await issueMarbleCertificate(p, { uuid: UUID, dnsNames: [name], publicKey: k.publicKey, now: NOW });
    return { cert: c.chainPem, key: pemEncode('PRIVATE KEY', k.privateKeyPkcs8) };
  };
  const [server, client] = await Promise.all([issue('server'), issue('client')]);
  for (const ca of [p.rootCert, p.marbleRootCert]) {
    const srv = tls.createServer({ ...server, ca, requestCert: true, rejectUnauthorized: true }, (s) => s.end('ok'));
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    try {
      const { port } = srv.address() as AddressInfo;
      const sock = tls.connect({ host: '127.0.0.1', port, servername: 'server', ...client, ca });
      let data = '';
      sock.on('data', (d) => (data += d));
      await once(sock, 'end');
      assert.equal(sock.authorized, true);
      assert.equal(data, 'ok');
      sock.destroy();
    } finally {
      srv.close();
    }
  }
});

test('MarbleRun\'s certificate from a CSR: the subject as Go re-encodes it (CN = UUID, O = the Marble root issuer\'s, other attributes dropped), the given key, not the CSR\'s', async () => {
  const p = await pki();
  const csrKeys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'C=DE, O=Someone Else, CN=ignored, E=x@example.org',
    keys: csrKeys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '10.0.0.1' }, { type: 'dns', value: 'Marble.Example' }])],
  });
  const marbleKey = generateMarbleKeyPair();
  const issued = await issueMarbleRunCertificate(p, { uuid: UUID, marbleType: 'frontend', csr: new Uint8Array(csr.rawData), publicKeySpki: (await marbleKey).publicKeySpki, now: NOW });
  const leaf = cert(issued.cert);
  assert.equal(leaf.subject, `C=DE\nCN=${UUID}`);
  // Go copies DNSNames then IPAddresses, DNS names as written.
  assert.equal(leaf.subjectAltName, 'DNS:Marble.Example, IP Address:10.0.0.1');
  assert.ok(publicOf((await marbleKey).privateKeyPkcs8).equals(leaf.publicKey));
  assert.equal(new Date(leaf.validFrom).toISOString(), NOW.toISOString());
  assert.ok(leaf.verify(cert(p.marbleRootCert).publicKey));
  const tampered = new Uint8Array(csr.rawData);
  tampered[tampered.length - 3]! ^= 1;
  await assert.rejects(issueMarbleRunCertificate(p, { uuid: UUID, marbleType: 'frontend', csr: tampered, publicKeySpki: (await marbleKey).publicKeySpki, now: NOW }), code('ERR_VALIDATION'));
});
