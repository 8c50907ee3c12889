import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { isConfideError, pemEncode, toBase64 } from '@confide/core';
import type { Secret } from '../src/manifest/types.js';
import { createCoordinatorPki, rotateIntermediate, rotateRootSecret, type CoordinatorPki } from '../src/pki/index.js';
import {
  acceptUserSecret,
  checkSecretDefinitions,
  generateMarbleSecrets,
  generateSecrets,
  generateSharedSecrets,
  type SecretValue,
} from '../src/secrets/index.js';
import { decodeState, encodeState } from '../src/core/state-codec.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const NOW = new Date('2026-03-01T10:00:00.000Z');
const DAY = 86_400_000;
const MARBLE = { uuid: '6f0c5e5e-1b2c-4d3e-8f90-a1b2c3d4e5f6', name: 'backend' };
const code = (c: string) => (err: unknown) => isConfideError(err) && err.code === c;
const def = (d: Partial<Secret> & Pick<Secret, 'Type'>): Secret => ({ Size: 0, Shared: false, UserDefined: false, ValidFor: 0, ...d });
const cert = (der: Uint8Array) => new X509Certificate(Buffer.from(der));
const publicOf = (pkcs8: Uint8Array) => createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }));

let shared: Promise<CoordinatorPki> | undefined;
const pki = () => (shared ??= createCoordinatorPki(NOW));

/** The certificate secret verifies under the intermediate and its Public/Private belong to it. */
async function assertCertSecret(value: SecretValue | undefined, p: CoordinatorPki): Promise<X509Certificate> {
  assert.ok(value?.Cert && value.Public && value.Private);
  const c = cert(value.Cert);
  const intermediate = new X509Certificate(p.intermediateCert);
  assert.equal(c.issuer, intermediate.subject);
  assert.ok(c.checkIssued(intermediate));
  assert.ok(c.verify(intermediate.publicKey));
  assert.deepEqual(new Uint8Array(c.publicKey.export({ type: 'spki', format: 'der' })), value.Public);
  assert.ok(publicOf(value.Private).equals(c.publicKey));
  return c;
}

test('a shared symmetric key has Size/8 random bytes in Public and Private', async () => {
  const p = await pki();
  const defs = { k: def({ Type: 'symmetric-key', Size: 256, Shared: true }) };
  const a = (await generateSecrets(defs, p, { now: NOW })).k!;
  const b = (await generateSecrets(defs, p, { now: NOW })).k!;
  assert.equal(a.Type, 'symmetric-key');
  assert.equal(a.Private?.length, 32);
  assert.deepEqual(a.Public, a.Private);
  assert.notDeepEqual(a.Private, b.Private);
  assert.equal(a.Cert, undefined);
});

test('a per-marble symmetric key is derived from root secret, UUID, marble name and secret name', async () => {
  const p = await pki();
  const defs = { k: def({ Type: 'symmetric-key', Size: 128 }), j: def({ Type: 'symmetric-key', Size: 128 }) };
  const key = async (marble: typeof MARBLE & { disableSecretBinding?: boolean }, q = p, name: 'k' | 'j' = 'k') =>
    (await generateSecrets(defs, q, { now: NOW, marble }))[name]!.Private!;
  const base = await key(MARBLE);
  assert.equal(base.length, 16);
  assert.deepEqual(await key({ ...MARBLE }), base); // a restarted marble gets the same key
  assert.deepEqual(await key({ ...MARBLE, uuid: MARBLE.uuid.toUpperCase() }), base);
  assert.notDeepEqual(await key({ ...MARBLE, uuid: '00000000-0000-4000-8000-000000000000' }), base);
  assert.notDeepEqual(await key({ ...MARBLE, name: 'frontend' }), base);
  assert.notDeepEqual(await key(MARBLE, p, 'j'), base);
  assert.notDeepEqual(await key(MARBLE, rotateRootSecret(p)), base);
  const unbound = await key({ ...MARBLE, disableSecretBinding: true });
  assert.notDeepEqual(unbound, base);
  assert.deepEqual(await key({ ...MARBLE, name: 'frontend', disableSecretBinding: true }), unbound);
});

test('cert-ecdsa: each Size maps to its curve; defaults as MarbleRun; signed by the intermediate', async () => {
  const p = await pki();
  const curves: Record<number, string> = { 224: 'secp224r1', 256: 'prime256v1', 384: 'secp384r1', 521: 'secp521r1' };
  const defs = Object.fromEntries(Object.keys(curves).map((s) => [`ec${s}`, def({ Type: 'cert-ecdsa', Size: Number(s), Shared: true })]));
  const values = await generateSecrets(defs, p, { now: NOW });
  for (const [size, curve] of Object.entries(curves)) {
    const c = await assertCertSecret(values[`ec${size}`], p);
    assert.equal(c.publicKey.asymmetricKeyType, 'ec');
    assert.equal(c.publicKey.asymmetricKeyDetails?.namedCurve, curve);
    assert.equal(c.subject, 'CN=localhost');
    assert.equal(c.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    assert.equal(new x509.X509Certificate(c.raw).getExtension(x509.KeyUsagesExtension)?.usages, x509.KeyUsageFlags.digitalSignature);
    assert.equal(c.ca, false);
    assert.equal(new Date(c.validFrom).getTime(), NOW.getTime());
    assert.equal(new Date(c.validTo).getTime(), NOW.getTime() + 365 * DAY);
  }
});

test('cert-rsa defaults to 2048 bits and honours ValidFor; cert-ed25519 is Ed25519', async () => {
  const p = await pki();
  const values = await generateSecrets(
    { rsa: def({ Type: 'cert-rsa', Shared: true, ValidFor: 7 }), ed: def({ Type: 'cert-ed25519', Shared: true }) },
    p,
    { now: NOW },
  );
  const rsa = await assertCertSecret(values.rsa, p);
  assert.equal(rsa.publicKey.asymmetricKeyType, 'rsa');
  assert.equal(rsa.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  assert.equal(new Date(rsa.validTo).getTime(), NOW.getTime() + 7 * DAY);
  const ed = await assertCertSecret(values.ed, p);
  assert.equal(ed.publicKey.asymmetricKeyType, 'ed25519');
});

test('the Cert template sets subject, SANs, key usages, CA and NotAfter', async () => {
  const p = await pki();
  const values = await generateSecrets(
    {
      ca: def({
        Type: 'cert-ecdsa',
        Size: 256,
        Shared: true,
        Cert: {
          Subject: { CommonName: 'svc', Organization: ['Example', 'Other'], OrganizationalUnit: ['Unit'], Country: ['DE'] },
          DNSNames: ['a.example', 'b.example'],
          IPAddresses: ['10.1.2.3'],
          KeyUsage: 1 | 4 | 32, // DigitalSignature | KeyEncipherment | CertSign
          ExtKeyUsage: [1],
          IsCA: true,
          MaxPathLen: 1,
          NotAfter: '2030-01-01T00:00:00Z',
        },
      }),
      twoNames: def({ Type: 'cert-ecdsa', Size: 256, Shared: true, Cert: { DNSNames: ['x.example', 'y.example'], IPAddresses: [] } }),
    },
    p,
    { now: NOW },
  );
  const c = await assertCertSecret(values.ca, p);
  assert.equal(c.subject, 'C=DE\nO=Example + O=Other\nOU=Unit\nCN=svc'); // one RDN per attribute, as Go writes it
  assert.equal(c.subjectAltName, 'DNS:a.example, DNS:b.example, IP Address:10.1.2.3');
  assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  const pc = new x509.X509Certificate(c.raw);
  assert.equal(pc.getExtension(x509.KeyUsagesExtension)?.usages, x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign);
  const bc = pc.getExtension(x509.BasicConstraintsExtension);
  assert.equal(bc?.ca, true);
  assert.equal(bc?.pathLength, 1);
  assert.ok(pc.getExtension(x509.SubjectKeyIdentifierExtension));
  assert.equal(new Date(c.validTo).toISOString(), '2030-01-01T00:00:00.000Z');
  const two = await assertCertSecret(values.twoNames, p);
  assert.equal(two.subject, 'CN=Confide Generated Certificate');
  assert.equal(two.subjectAltName, 'DNS:x.example, DNS:y.example');
});

test('definitions the coordinator cannot generate are ERR_MANIFEST_INVALID with their path', async () => {
  const p = await pki();
  const bad: [Secret, string][] = [
    [def({ Type: 'symmetric-key', Size: 0, Shared: true }), 'Secrets.s.Size'],
    [def({ Type: 'symmetric-key', Size: 12, Shared: true }), 'Secrets.s.Size'],
    [def({ Type: 'cert-ecdsa', Size: 255, Shared: true }), 'Secrets.s.Size'],
    [def({ Type: 'cert-ed25519', Size: 256, Shared: true }), 'Secrets.s.Size'],
    [def({ Type: 'cert-rsa', Size: 1024, Shared: true }), 'Secrets.s.Size'],
    [def({ Type: 'plain', Shared: true }), 'Secrets.s.UserDefined'],
    [def({ Type: 'cert-rsa', Shared: true, ValidFor: 3, Cert: { NotAfter: '2030-01-01T00:00:00Z' } }), 'Secrets.s.ValidFor'],
    [def({ Type: 'cert-rsa', Shared: true, Cert: { IPAddresses: ['localhost'] } }), 'Secrets.s.Cert.IPAddresses'],
    [def({ Type: 'cert-rsa', Shared: true, Cert: { ExtKeyUsage: [14] } }), 'Secrets.s.Cert.ExtKeyUsage'],
    [def({ Type: 'cert-rsa', Shared: true, Cert: { MaxPathLen: 2 } }), 'Secrets.s.Cert.MaxPathLen'],
  ];
  for (const [d, path] of bad) {
    const isPath = (err: unknown) => code('ERR_MANIFEST_INVALID')(err) && (err as { details?: { path?: string } }).details?.path === path;
    assert.throws(() => checkSecretDefinitions({ s: d }), isPath, path);
    await assert.rejects(generateSecrets({ s: d }, p, { now: NOW }), isPath, path);
  }
});

test('scopes: shared and user-defined secrets at manifest set, the rest per marble', async () => {
  const p = await pki();
  const defs = {
    sharedKey: def({ Type: 'symmetric-key', Size: 128, Shared: true }),
    ownKey: def({ Type: 'symmetric-key', Size: 128 }),
    ownCert: def({ Type: 'cert-ed25519' }),
    upload: def({ Type: 'plain', UserDefined: true }),
    uploadCert: def({ Type: 'cert-ecdsa', UserDefined: true, Shared: true }),
  };
  const sharedValues = await generateSecrets(defs, p, { now: NOW });
  assert.deepEqual(Object.keys(sharedValues), ['sharedKey', 'upload', 'uploadCert']);
  assert.deepEqual(sharedValues.upload, { Type: 'plain' });
  assert.deepEqual(sharedValues.uploadCert, { Type: 'cert-ecdsa' });
  const own = await generateSecrets(defs, p, { now: NOW, marble: MARBLE });
  assert.deepEqual(Object.keys(own), ['ownCert', 'ownKey']);
  const again = await generateSecrets(defs, p, { now: NOW, marble: MARBLE });
  assert.notDeepEqual(again.ownCert!.Private, own.ownCert!.Private); // certificates are new per activation
  assert.deepEqual(again.ownKey, own.ownKey);
});

test('an update keeps symmetric keys and uploads, re-issues certificates under the new intermediate, and records previous values', async () => {
  const p = await pki();
  const defs = {
    key: def({ Type: 'symmetric-key', Size: 128, Shared: true }),
    resized: def({ Type: 'symmetric-key', Size: 128, Shared: true }),
    tls: def({ Type: 'cert-ecdsa', Size: 256, Shared: true }),
    upload: def({ Type: 'plain', UserDefined: true }),
    gone: def({ Type: 'symmetric-key', Size: 64, Shared: true }),
  };
  const first = await generateSharedSecrets(defs, p, { now: NOW });
  assert.deepEqual(first.previous, first.secrets); // new secrets: previous is the first value
  const uploaded: Record<string, SecretValue> = { ...first.secrets, upload: acceptUserSecret('upload', defs.upload, { Data: 'hunter2' }) };
  const before = { definitions: defs, secrets: uploaded, previous: first.previous };

  const { gone: _gone, ...kept } = defs;
  const next = { ...kept, resized: def({ Type: 'symmetric-key', Size: 256, Shared: true }), added: def({ Type: 'symmetric-key', Size: 64, Shared: true }) };
  const q = await rotateIntermediate(p, new Date('2026-04-01T00:00:00Z'));
  const later = new Date('2026-04-01T00:00:00Z');
  const second = await generateSharedSecrets(next, q, { now: later, before });
  assert.deepEqual(Object.keys(second.secrets).sort(), ['added', 'key', 'resized', 'tls', 'upload']);
  assert.equal(second.secrets.key, uploaded.key);
  assert.equal(second.previous.key, first.previous.key);
  assert.equal(second.secrets.upload, uploaded.upload);
  assert.equal(second.secrets.resized!.Private!.length, 32);
  assert.equal(second.previous.resized, second.secrets.resized); // a changed definition is a new secret
  assert.equal(second.previous.added, second.secrets.added);
  assert.equal(second.previous.tls, uploaded.tls);
  assert.notDeepEqual(second.secrets.tls!.Cert, uploaded.tls!.Cert);
  await assertCertSecret(second.secrets.tls, q);
  assert.equal(cert(uploaded.tls!.Cert!).verify(new X509Certificate(q.intermediateCert).publicKey), false);

  const third = await generateSharedSecrets(next, rotateRootSecret(q), { now: later, before: { definitions: next, ...second }, rotateRootSecret: true });
  assert.notDeepEqual(third.secrets.key!.Private, second.secrets.key!.Private);
  assert.equal(third.previous.key, second.secrets.key);
  assert.equal(third.secrets.upload, uploaded.upload);
});

test('per-marble previous values derive from the previous root secret', async () => {
  const p = await pki();
  const defs = { k: def({ Type: 'symmetric-key', Size: 128 }), c: def({ Type: 'cert-ed25519' }) };
  const plainRun = await generateMarbleSecrets(defs, p, MARBLE, NOW);
  assert.deepEqual(plainRun.previous, plainRun.secrets);
  const rotated = await generateMarbleSecrets(defs, rotateRootSecret(p), MARBLE, NOW);
  assert.deepEqual(rotated.previous.k, plainRun.secrets.k);
  assert.notDeepEqual(rotated.secrets.k, plainRun.secrets.k);
  assert.equal(rotated.previous.c, rotated.secrets.c);
});

test('secret maps survive the state codec', async () => {
  const p = await pki();
  const values = await generateSecrets({ a: def({ Type: 'cert-ecdsa', Size: 256, Shared: true }), b: def({ Type: 'symmetric-key', Size: 64, Shared: true }) }, p, { now: NOW });
  assert.deepEqual(decodeState(encodeState(values)), values);
});

function selfSigned(kind: 'ec' | 'rsa', curve = 'prime256v1') {
  const keys = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: curve }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return keys;
}

async function uploadCert(kind: 'ec' | 'rsa', curve?: string) {
  const keys = selfSigned(kind, curve);
  const alg = kind === 'ec' ? { name: 'ECDSA', namedCurve: curve === 'secp384r1' ? 'P-384' : 'P-256', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const pkcs8 = keys.privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const cryptoKeys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, alg, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, alg, true, ['verify']),
  } as CryptoKeyPair;
  const c = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=user', keys: cryptoKeys, signingAlgorithm: alg });
  return { certPem: c.toString('pem'), certDer: new Uint8Array(c.rawData), pkcs8: new Uint8Array(pkcs8), spki: new Uint8Array(spki) };
}

test('uploaded certificates: PEM or base64 DER, key pair checked, type and size checked', async () => {
  const ecdsa = def({ Type: 'cert-ecdsa', Size: 256, UserDefined: true, Shared: true });
  const u = await uploadCert('ec');
  const v = acceptUserSecret('c', ecdsa, { Cert: u.certPem, Private: pemEncode('PRIVATE KEY', u.pkcs8) });
  assert.deepEqual(v, { Type: 'cert-ecdsa', Cert: u.certDer, Public: u.spki, Private: u.pkcs8 });
  assert.deepEqual(acceptUserSecret('c', ecdsa, { Cert: toBase64(u.certDer), Private: toBase64(u.pkcs8) }), v);
  assert.deepEqual(acceptUserSecret('c', ecdsa, { Cert: u.certPem }), { Type: 'cert-ecdsa', Cert: u.certDer, Public: u.spki });
  const sec1 = createPrivateKey({ key: Buffer.from(u.pkcs8), format: 'der', type: 'pkcs8' }).export({ type: 'sec1', format: 'pem' }).toString();
  assert.deepEqual(acceptUserSecret('c', ecdsa, { Cert: u.certPem, Private: sec1 }), v);

  const other = await uploadCert('ec');
  const refused = (upload: object, d = ecdsa) => assert.throws(() => acceptUserSecret('c', d, upload), code('ERR_SECRET_INVALID'));
  refused({ Cert: u.certPem, Private: pemEncode('PRIVATE KEY', other.pkcs8) });
  refused({ Private: pemEncode('PRIVATE KEY', u.pkcs8) });
  refused({ Cert: 'not a certificate' });
  refused({ Cert: u.certPem, Key: 'AAAA' });
  refused({ Cert: u.certPem, Extra: 'x' });
  refused({ Cert: u.certPem }, def({ Type: 'cert-ecdsa', Size: 384, UserDefined: true }));
  refused({ Cert: u.certPem }, def({ Type: 'cert-rsa', UserDefined: true }));
  refused({ Cert: u.certPem }, def({ Type: 'cert-ecdsa', Size: 256 })); // generated secrets are not writable
  const rsa = await uploadCert('rsa');
  refused({ Cert: rsa.certPem }, def({ Type: 'cert-rsa', Size: 4096, UserDefined: true }));
  assert.equal(acceptUserSecret('r', def({ Type: 'cert-rsa', UserDefined: true }), { Cert: rsa.certPem }).Type, 'cert-rsa');
});

test('uploaded symmetric keys must have Size/8 bytes; plain takes Key or Data', () => {
  const sym = def({ Type: 'symmetric-key', Size: 128, UserDefined: true });
  const key = new Uint8Array(16).map((_, i) => i);
  assert.deepEqual(acceptUserSecret('k', sym, { Key: toBase64(key) }), { Type: 'symmetric-key', Public: key, Private: key });
  const refused = (upload: object, d = sym) => assert.throws(() => acceptUserSecret('k', d, upload), code('ERR_SECRET_INVALID'));
  refused({ Key: toBase64(key.slice(1)) });
  refused({ Key: 'not base64!' });
  refused({ Data: 'text' });
  refused({});
  const plain = def({ Type: 'plain', UserDefined: true });
  assert.deepEqual(acceptUserSecret('p', plain, { Key: toBase64(new Uint8Array([0, 1, 2])) }).Private, new Uint8Array([0, 1, 2]));
  assert.deepEqual(acceptUserSecret('p', plain, { Data: 'hé' }).Public, new Uint8Array([0x68, 0xc3, 0xa9]));
  refused({ Key: 'AAAA', Data: 'x' }, plain);
  refused({ Data: '' }, plain);
  refused({ Cert: 'x' }, plain);
});
