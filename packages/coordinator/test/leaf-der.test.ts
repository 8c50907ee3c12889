/** The marble leaf assembled in DER by hand: same bytes as @peculiar/x509 would write; IP names; the client SPKI; the issuer cache. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { isConfideError } from '@confide/core';
import { DerReader, TAG } from '@confide/evidence';
import { certificateSpki } from '../src/pki/spki.js';
import { createCoordinatorPki, generateMarbleKeyDer, generateMarbleKeyPair, issueMarbleCertificate, rotateIntermediate, type CoordinatorPki } from '../src/pki/index.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const UUID = '6f0c5e5e-1b2c-4d3e-8f90-a1b2c3d4e5f6';
const code = (c: string) => (err: unknown) => isConfideError(err) && err.code === c;
const cert = (pem: string | Uint8Array) => new X509Certificate(typeof pem === 'string' ? pem : Buffer.from(pem));

/** The leaf as the library builds it from the same inputs. */
async function libraryLeaf(pki: CoordinatorPki, serial: string, publicKey: Uint8Array, names: Array<{ type: 'dns' | 'ip'; value: string }>, now: Date): Promise<Uint8Array> {
  const intermediate = new x509.X509Certificate(pki.intermediateCert);
  const signingKey = await webcrypto.subtle.importKey('pkcs8', pki.intermediateKey as Uint8Array<ArrayBuffer>, { name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign']);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: new x509.Name([{ '2.5.4.3': [{ printableString: UUID }] }]),
    issuer: intermediate.subjectName,
    notBefore: now,
    notAfter: new Date(Date.UTC(9999, 11, 31, 23, 59, 59)),
    publicKey: publicKey as Uint8Array<ArrayBuffer>,
    signingKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(intermediate.publicKey),
    ],
  });
  return new Uint8Array(leaf.rawData);
}

const tbsOf = (der: Uint8Array) => Buffer.from(new DerReader(der, 'ERR_INTERNAL', 'leaf').enter(TAG.SEQUENCE).next(TAG.SEQUENCE).raw);

for (const now of [new Date('2026-03-01T10:00:00.000Z'), new Date('2051-07-04T01:02:03.000Z')]) {
  test(`the leaf's to-be-signed bytes are the library's for the same inputs (notBefore ${now.getUTCFullYear()})`, async () => {
    const pki = await createCoordinatorPki(now);
    const keys = await generateMarbleKeyDer();
    const issued = await issueMarbleCertificate(pki, { uuid: UUID, dnsNames: ['Backend', '10.0.0.7', '2001:db8::7', 'fe80::1:2'], publicKey: keys.publicKeySpki, now });
    const expected = await libraryLeaf(pki, issued.serial, keys.publicKeySpki, [
      { type: 'dns', value: 'backend' },
      { type: 'ip', value: '10.0.0.7' },
      { type: 'ip', value: '2001:db8::7' },
      { type: 'ip', value: 'fe80::1:2' },
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
    ], now);
    assert.deepEqual(tbsOf(issued.cert), tbsOf(expected));
    const leaf = cert(issued.cert);
    assert.equal(leaf.serialNumber.toLowerCase(), issued.serial);
    assert.equal(new Date(leaf.validFrom).toISOString(), now.toISOString());
    assert.ok(leaf.verify(cert(pki.intermediateCert).publicKey));
    assert.ok(leaf.verify(cert(pki.marbleRootCert).publicKey));
  });
}

test('IPv6 names are 16 bytes, with :: and an embedded IPv4; a zone is refused', async () => {
  const pki = await createCoordinatorPki(new Date('2026-03-01T10:00:00Z'));
  const keys = await generateMarbleKeyDer();
  const issued = await issueMarbleCertificate(pki, { uuid: UUID, dnsNames: ['::1', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8', '2001:db8::'], publicKey: keys.publicKeySpki, now: new Date() });
  assert.equal(
    cert(issued.cert).subjectAltName,
    'IP Address:0:0:0:0:0:0:0:1, IP Address:0:0:0:0:0:FFFF:A00:1, IP Address:1:2:3:4:5:6:7:8, IP Address:2001:DB8:0:0:0:0:0:0, DNS:localhost, IP Address:127.0.0.1',
  );
  await assert.rejects(issueMarbleCertificate(pki, { uuid: UUID, dnsNames: ['fe80::1%eth0'], publicKey: keys.publicKeySpki, now: new Date() }), code('ERR_VALIDATION'));
});

test('after a rotation the leaf is issued and chained under the new intermediate', async () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const first = await createCoordinatorPki(now);
  const keys = await generateMarbleKeyPair();
  const before = await issueMarbleCertificate(first, { uuid: UUID, publicKey: keys.publicKey, now });
  const second = await rotateIntermediate(first, now);
  const after = await issueMarbleCertificate(second, { uuid: UUID, publicKey: keys.publicKey, now });
  assert.equal(after.chainPem, after.certPem + second.intermediateCert);
  assert.ok(cert(after.cert).verify(cert(second.intermediateCert).publicKey));
  assert.equal(cert(after.cert).verify(cert(first.intermediateCert).publicKey), false);
  assert.ok(cert(before.cert).verify(cert(first.intermediateCert).publicKey));
  assert.deepEqual(new Uint8Array(cert(after.cert).publicKey.export({ type: 'spki', format: 'der' })), keys.publicKeySpki);
});

test("certificateSpki returns the certificate's own SPKI bytes and refuses what is not a certificate", async () => {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const self = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=marble',
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  const der = new Uint8Array(self.rawData);
  assert.deepEqual(certificateSpki(der), new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey)));
  for (const bad of [der.subarray(0, der.length - 1), Uint8Array.of(...der, 0), new Uint8Array(0), Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01), new TextEncoder().encode(self.toString('pem'))]) {
    assert.throws(() => certificateSpki(bad), code('ERR_VALIDATION'));
  }
});
