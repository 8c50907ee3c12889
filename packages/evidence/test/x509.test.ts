/**
 * The shared X.509 parsing (src/asn1/x509.ts) under both PKIs' profiles: fields, the exact signed
 * bytes (the issuer's signature verifies over them), CRL entries, and where the profiles differ
 * (algorithms, keys, trailing bytes).
 */
import { webcrypto } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfideError } from '@confide/core';
import { parseCertificate, parseCrl } from '../src/intel/certificate.js';
import { parseAmdCertificate, parseAmdCrl } from '../src/sev-snp/certificate.js';
import { issueCrl as issueAmdCrl, issueVek, productPki, TEST_NOT_AFTER, TEST_NOT_BEFORE, TEST_NOW } from '@confide/test-kit/amd-pki';
import { integer, oid, sequence, tlv } from '@confide/test-kit/der';
import { decodeTime, TAG } from '../src/asn1/der.js';
import { createIntelTestPki, issueCrl as issueIntelCrl } from '@confide/test-kit/intel-pki';

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
const DAY = 86_400_000;
const subtle = webcrypto.subtle as unknown as SubtleCrypto;

/** True when `signature` by `key` verifies over `data`: the parser kept the exact signed bytes. */
function verifies(algorithm: AlgorithmIdentifier | RsaPssParams | EcdsaParams, key: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  return subtle.verify(algorithm, key, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ConfideError ? err.code : 'not a ConfideError';
  }
  return undefined;
}

/** A signed envelope with an empty TBS, `algorithm` and a signature BIT STRING with unused bits. */
function envelope(algorithm: string): Uint8Array {
  return sequence(sequence(integer(1)), sequence(oid(algorithm)), tlv(0x03, Uint8Array.of(1, 0)));
}

test('x509: an AMD certificate keeps its signed bytes, names, validity, key and PSS parameters', async () => {
  const pki = await productPki('Milan');
  const ark = parseAmdCertificate(pki.ark.der);
  assert.deepEqual(ark.raw, pki.ark.der);
  assert.equal(await verifies({ name: 'RSA-PSS', saltLength: 48 }, pki.ark.keys.publicKey, ark.signature, ark.tbs), true);
  assert.equal(ark.subjectCn, 'ARK-Milan');
  assert.equal(ark.issuerCn, 'ARK-Milan');
  assert.deepEqual(ark.issuer, ark.subject);
  assert.equal(ark.isCa, true);
  assert.equal(ark.keyKind, 'rsa');
  assert.deepEqual(ark.signatureAlgorithm, { saltLength: 48 });
  assert.equal(ark.notBefore.getTime(), TEST_NOT_BEFORE.getTime());
  assert.equal(ark.notAfter.getTime(), TEST_NOT_AFTER.getTime());

  const vek = parseAmdCertificate((await issueVek(pki, { keyType: 'vcek', tcb: { bootloader: 1, tee: 2, snp: 3, microcode: 4 } })).der);
  assert.equal(vek.subjectCn, 'SEV-VCEK');
  assert.equal(vek.issuerCn, 'SEV-Milan');
  assert.equal(vek.isCa, false);
  assert.equal(vek.keyKind, 'ec-p384');
  assert.equal(vek.serial, '00');
});

test('x509: an AMD CRL lists its revoked serials as hex; nextUpdate is read', async () => {
  const pki = await productPki('Milan');
  const nextUpdate = new Date(TEST_NOW.getTime() + DAY);
  const crl = parseAmdCrl(await issueAmdCrl(pki.ark, { revoked: [5, 300], thisUpdate: TEST_NOW, nextUpdate }));
  assert.deepEqual([...crl.revoked].sort(), ['012c', '05']);
  assert.deepEqual(crl.issuer, parseAmdCertificate(pki.ark.der).subject);
  assert.equal(crl.thisUpdate.getTime(), TEST_NOW.getTime());
  assert.equal(crl.nextUpdate?.getTime(), nextUpdate.getTime());
  assert.deepEqual(crl.signatureAlgorithm, { saltLength: 48 });
  assert.equal(await verifies({ name: 'RSA-PSS', saltLength: 48 }, pki.ark.keys.publicKey, crl.signature, crl.tbs), true);
});

test('x509: an Intel certificate and CRL give the P-256 point, raw r||s and the issuer CN', async () => {
  const pki = await createIntelTestPki();
  const cert = parseCertificate(pki.platformCa.der, 'ERR_COLLATERAL_MALFORMED');
  assert.equal(cert.subjectCn, 'Intel SGX PCK Platform CA');
  assert.equal(cert.issuerCn, 'Intel SGX Root CA');
  assert.equal(cert.isCa, true);
  assert.equal(cert.publicKey.length, 65);
  assert.equal(cert.publicKey[0], 0x04);
  assert.equal(cert.signature.length, 64);
  assert.equal(await verifies({ name: 'ECDSA', hash: 'SHA-256' }, pki.root.keys.publicKey, cert.signature, cert.tbs), true);

  const crl = parseCrl(
    await issueIntelCrl(pki.platformCa, { thisUpdate: TEST_NOW, nextUpdate: new Date(TEST_NOW.getTime() + DAY), revoked: ['0a1b'] }),
    'ERR_COLLATERAL_MALFORMED',
  );
  assert.equal(crl.issuerCn, 'Intel SGX PCK Platform CA');
  assert.deepEqual(crl.issuer, cert.subject);
  assert.deepEqual([...crl.revoked], ['0a1b']);
  assert.equal(await verifies({ name: 'ECDSA', hash: 'SHA-256' }, pki.platformCa.keys.publicKey, crl.signature, crl.tbs), true);
});

test('x509: only the AMD profile refuses bytes after a certificate', async () => {
  const pki = await productPki('Milan');
  assert.equal(code(() => parseAmdCertificate(Uint8Array.from([...pki.ark.der, 0]))), 'ERR_COLLATERAL_MALFORMED');
  assert.equal(code(() => parseAmdCertificate(pki.ark.der)), undefined);
});

test('x509: the signature algorithm is vetted before the signature is read', () => {
  // The BIT STRING has unused bits (malformed), but the algorithm is refused first.
  assert.equal(code(() => parseAmdCertificate(envelope(OID_ECDSA_SHA256))), 'ERR_EVIDENCE_UNSUPPORTED');
  assert.equal(code(() => parseAmdCrl(envelope(OID_ECDSA_SHA256))), 'ERR_EVIDENCE_UNSUPPORTED');
  // Intel's profile refuses another algorithm with the caller's code.
  assert.equal(code(() => parseCertificate(envelope(OID_RSASSA_PSS), 'ERR_EVIDENCE_MALFORMED')), 'ERR_EVIDENCE_MALFORMED');
  assert.equal(code(() => parseCrl(envelope(OID_RSASSA_PSS), 'ERR_COLLATERAL_MALFORMED')), 'ERR_COLLATERAL_MALFORMED');
});

test('decodeTime: UTCTime with its 1950 pivot and GeneralizedTime; anything else is undefined', () => {
  const time = (tag: number, text: string) => decodeTime({ tag, raw: new Uint8Array(0), value: new TextEncoder().encode(text) });
  assert.equal(time(TAG.UTC_TIME, '491231235959Z')?.toISOString(), '2049-12-31T23:59:59.000Z');
  assert.equal(time(TAG.UTC_TIME, '500101000000Z')?.toISOString(), '1950-01-01T00:00:00.000Z');
  assert.equal(time(TAG.GENERALIZED_TIME, '20260601123456Z')?.toISOString(), '2026-06-01T12:34:56.000Z');
  assert.equal(time(TAG.GENERALIZED_TIME, '99991231235959Z')?.toISOString(), '9999-12-31T23:59:59.000Z');
  assert.equal(time(TAG.UTC_TIME, '240229000000Z')?.toISOString(), '2024-02-29T00:00:00.000Z', 'a leap day');
  assert.equal(time(TAG.GENERALIZED_TIME, '20000229000000Z')?.toISOString(), '2000-02-29T00:00:00.000Z', 'a leap day of a year divisible by 400');
  assert.equal(time(TAG.GENERALIZED_TIME, '00500101000000Z')?.getUTCFullYear(), 50, 'a GeneralizedTime year below 100 is that year, not 1950');
  for (const [tag, text] of [
    [TAG.UTC_TIME, '20260601123456Z'], // a GeneralizedTime's length under the UTCTime tag
    [TAG.GENERALIZED_TIME, '260601123456Z'],
    [TAG.UTC_TIME, '2606011234566'], // no Z
    [TAG.UTC_TIME, '26060112345 Z'],
    [TAG.UTC_TIME, '2606011234+6Z'],
    [TAG.UTC_TIME, '26060112345\u0000Z'],
    [TAG.GENERALIZED_TIME, '2026060112345/Z'],
    [TAG.GENERALIZED_TIME, '2026060112345:Z'],
    [TAG.OCTET_STRING, '260601123456Z'],
    // No such instant: Date.UTC would roll each into another one.
    [TAG.UTC_TIME, '261301000000Z'],
    [TAG.UTC_TIME, '260001000000Z'],
    [TAG.UTC_TIME, '260230000000Z'],
    [TAG.UTC_TIME, '250229000000Z'],
    [TAG.UTC_TIME, '260600000000Z'],
    [TAG.UTC_TIME, '260601240000Z'],
    [TAG.UTC_TIME, '260601236000Z'],
    [TAG.GENERALIZED_TIME, '20260601235960Z'],
    [TAG.GENERALIZED_TIME, '21000229000000Z'],
  ] as const) {
    assert.equal(time(tag, text), undefined, `${tag.toString(16)} "${text}"`);
  }
});
