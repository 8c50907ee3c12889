/**
 * Interop: the unmodified official @azure/keyvault-keys KeyClient and CryptographyClient against a
 * real `confide serve` listener over HTTPS (dev mode, in process): every key operation, the delete
 * poller, paging, backup/restore, remote and local cryptography, rng.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, constants, publicEncrypt, randomBytes, verify as nodeVerify } from 'node:crypto';
import { CryptographyClient, type JsonWebKey } from '@azure/keyvault-keys';
import { credential, startVault } from './keyvault-helpers.js';
import { keyPairSync } from '@confide/test-kit/keys';

const vault = await startVault();
after(() => vault.server.close());
const client = vault.client();
const cryptoOptions = { tlsOptions: { ca: vault.ca }, disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } };
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

test('SDK: create RSA, RSA-HSM, EC, EC-HSM and oct-HSM keys of every size; get latest and by version', async () => {
  for (const size of [2048, 3072]) {
    const key = await client.createRsaKey(`rsa-${size}`, { keySize: size });
    assert.equal(key.keyType, 'RSA');
    assert.equal(Buffer.from(key.key!.n!).length * 8, size);
    assert.equal(key.id, `${vault.url}/keys/rsa-${size}/${key.properties.version}`);
  }
  const hsm = await client.createRsaKey('rsa-hsm', { hsm: true, keySize: 4096 });
  assert.equal(hsm.keyType, 'RSA-HSM');
  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    const key = await client.createEcKey(`ec-${curve}`, { curve, hsm: curve === 'P-384' });
    assert.equal(key.key!.crv, curve);
    assert.equal(key.keyType, curve === 'P-384' ? 'EC-HSM' : 'EC');
  }
  for (const keySize of [128, 192, 256]) {
    const key = await client.createOctKey(`oct-${keySize}`, { hsm: true, keySize });
    assert.equal(key.keyType, 'oct-HSM');
    assert.equal(key.key!.k, undefined, 'oct material never leaves');
  }
  const latest = await client.getKey('rsa-2048');
  const byVersion = await client.getKey('rsa-2048', { version: latest.properties.version! });
  assert.deepEqual(byVersion.key!.n, latest.key!.n);
  await assert.rejects(client.getKey('no-such-key'), (e: any) => e.statusCode === 404 && e.code === 'KeyNotFound');
  await assert.rejects(client.createRsaKey('bad-size', { keySize: 1024 }), (e: any) => e.statusCode === 400 && e.code === 'BadParameter');
});

test('SDK: import a JWK (hsm), update attributes, tags and key_ops, rotate, rotation policy', async () => {
  const { privateKey } = keyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const toBytes = (s?: string) => (s ? Buffer.from(s, 'base64url') : undefined);
  const imported = await client.importKey('imported', { kty: 'RSA', n: toBytes(jwk.n), e: toBytes(jwk.e), d: toBytes(jwk.d), p: toBytes(jwk.p), q: toBytes(jwk.q), dp: toBytes(jwk.dp), dq: toBytes(jwk.dq), qi: toBytes(jwk.qi) } as JsonWebKey, { hardwareProtected: true });
  assert.equal(imported.keyType, 'RSA-HSM');
  assert.equal(Buffer.from(imported.key!.n!).toString('base64url'), jwk.n);
  const updated = await client.updateKeyProperties('imported', imported.properties.version!, { tags: { env: 'test' }, keyOps: ['sign', 'verify'], enabled: false });
  assert.deepEqual(updated.properties.tags, { env: 'test' });
  assert.deepEqual(updated.keyOperations, ['sign', 'verify']);
  assert.equal(updated.properties.enabled, false);
  const rotated = await client.rotateKey('imported');
  assert.notEqual(rotated.properties.version, imported.properties.version);
  assert.deepEqual(rotated.keyOperations, ['sign', 'verify']);
  assert.equal((await client.getKey('imported')).properties.version, rotated.properties.version);
  const policy = await client.getKeyRotationPolicy('imported');
  assert.equal(policy.lifetimeActions?.[0]?.action, 'Notify');
  const set = await client.updateKeyRotationPolicy('imported', { lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P90D' }], expiresIn: 'P1Y' });
  assert.equal(set.expiresIn, 'P1Y');
  assert.deepEqual((await client.getKeyRotationPolicy('imported')).lifetimeActions, [{ action: 'Rotate', timeAfterCreate: 'P90D', timeBeforeExpiry: undefined }]);
});

test('SDK: listPropertiesOfKeys and versions page through nextLink with a small page size', async () => {
  for (let i = 0; i < 5; i++) await client.createOctKey(`page-${i}`, { hsm: true });
  for (let i = 0; i < 3; i++) await client.rotateKey('page-0');
  const pages: number[] = [];
  const names: string[] = [];
  for await (const page of client.listPropertiesOfKeys().byPage({ maxPageSize: 2 })) {
    pages.push(page.length);
    names.push(...page.map((p) => p.name));
  }
  assert.ok(pages.length >= 3 && pages.every((n) => n <= 2), pages.join(','));
  for (let i = 0; i < 5; i++) assert.ok(names.includes(`page-${i}`));
  assert.equal(new Set(names).size, names.length, 'each key once');
  const versions: string[] = [];
  for await (const page of client.listPropertiesOfKeyVersions('page-0').byPage({ maxPageSize: 3 })) versions.push(...page.map((p) => p.version!));
  assert.equal(versions.length, 4);
});

test('SDK: delete with the poller, deleted keys get/list, recover, delete again and purge', async () => {
  await client.createEcKey('to-delete', { curve: 'P-256' });
  const poller = await client.beginDeleteKey('to-delete', { intervalInMs: 10 });
  const deleted = await poller.pollUntilDone();
  assert.equal(deleted.name, 'to-delete');
  assert.ok(deleted.properties.recoveryId?.endsWith('/deletedkeys/to-delete'));
  await assert.rejects(client.getKey('to-delete'), (e: any) => e.code === 'KeyNotFound');
  assert.equal((await client.getDeletedKey('to-delete')).name, 'to-delete');
  const listed: string[] = [];
  for await (const d of client.listDeletedKeys()) listed.push(d.name);
  assert.ok(listed.includes('to-delete'));
  await assert.rejects(client.createEcKey('to-delete'), (e: any) => e.statusCode === 409 && e.code === 'Conflict');
  const recovered = await (await client.beginRecoverDeletedKey('to-delete', { intervalInMs: 10 })).pollUntilDone();
  assert.equal(recovered.name, 'to-delete');
  await (await client.beginDeleteKey('to-delete', { intervalInMs: 10 })).pollUntilDone();
  await client.purgeDeletedKey('to-delete');
  await assert.rejects(client.getDeletedKey('to-delete'), (e: any) => e.code === 'KeyNotFound');
  assert.equal((await client.createEcKey('to-delete')).name, 'to-delete', 'a purged name is free');
});

test('SDK: backup and restore into the same vault; the blob is refused by a vault with another root key', async () => {
  const key = await client.createRsaKey('backed-up');
  await client.rotateKey('backed-up');
  const blob = await client.backupKey('backed-up');
  assert.ok(blob && blob.length > 100);
  await (await client.beginDeleteKey('backed-up', { intervalInMs: 10 })).pollUntilDone();
  await client.purgeDeletedKey('backed-up');
  const restored = await client.restoreKeyBackup(blob!);
  assert.equal(restored.name, 'backed-up');
  let versions = 0;
  for await (const _ of client.listPropertiesOfKeyVersions('backed-up')) versions++;
  assert.equal(versions, 2);
  assert.deepEqual((await client.getKey('backed-up', { version: key.properties.version! })).key!.n, key.key!.n);
  await assert.rejects(client.restoreKeyBackup(blob!), (e: any) => e.statusCode === 409);

  const other = await startVault();
  try {
    await assert.rejects(other.client().restoreKeyBackup(blob!), (e: any) => e.statusCode === 400 && e.code === 'BadParameter' && /ERR_KEY_BACKUP_INVALID/.test(e.message));
  } finally {
    await other.server.close();
  }
});

test('CryptographyClient: RSA sign/verify for RS and PS, encrypt locally and decrypt remotely, wrap and unwrap', async () => {
  const key = await client.createRsaKey('crypto-rsa');
  const crypto = new CryptographyClient(key.id!, credential, cryptoOptions);
  const data = Buffer.from('hello vault');
  const publicKey = createPublicKey({ key: { kty: 'RSA', n: Buffer.from(key.key!.n!).toString('base64url'), e: Buffer.from(key.key!.e!).toString('base64url') }, format: 'jwk' });
  for (const alg of ['RS256', 'PS256', 'RS384', 'PS512'] as const) {
    const h = `sha${alg.slice(2)}`;
    const digest = createHash(h).update(data).digest();
    const signed = await crypto.sign(alg, digest);
    assert.equal(signed.keyID, key.id);
    const padding = alg.startsWith('PS') ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length } : {};
    assert.ok(nodeVerify(h, data, { key: publicKey, ...padding }, signed.result), alg);
    assert.equal((await crypto.verify(alg, digest, signed.result)).result, true);
    // verifyData runs in the client with the public key; the SDK's local provider checks PS* as
    // PKCS#1 v1.5 (createVerify), so it answers false for any real PSS signature, ours or Azure's.
    if (alg.startsWith('RS')) assert.equal((await crypto.verifyData(alg, data, signed.result)).result, true);
    assert.equal((await crypto.verify(alg, digest, Buffer.alloc(signed.result.length))).result, false);
  }
  const signedData = await crypto.signData('RS256', data);
  assert.ok(nodeVerify('sha256', data, publicKey, signedData.result));
  for (const algorithm of ['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5'] as const) {
    const secret = randomBytes(32);
    const enc = await crypto.encrypt({ algorithm, plaintext: secret });
    assert.deepEqual(Buffer.from((await crypto.decrypt({ algorithm, ciphertext: enc.result })).result), secret, algorithm);
    const wrapped = await crypto.wrapKey(algorithm, secret);
    assert.deepEqual(Buffer.from((await crypto.unwrapKey(algorithm, wrapped.result)).result), secret, algorithm);
  }
  // Ciphertext made outside the vault with the public key decrypts inside it.
  const secret = randomBytes(16);
  const outside = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, secret);
  assert.deepEqual(Buffer.from((await crypto.decrypt({ algorithm: 'RSA-OAEP', ciphertext: outside })).result), secret);
});

test('CryptographyClient local: a client built from the JWK alone encrypts and verifies without the server', async () => {
  const key = await client.createRsaKey('crypto-local');
  const remote = new CryptographyClient(key.id!, credential, cryptoOptions);
  const local = new CryptographyClient(key.key!);
  const secret = randomBytes(32);
  const enc = await local.encrypt({ algorithm: 'RSA-OAEP', plaintext: secret });
  assert.deepEqual(Buffer.from((await remote.decrypt({ algorithm: 'RSA-OAEP', ciphertext: enc.result })).result), secret);
  const data = Buffer.from('verify me locally');
  const signed = await remote.signData('RS256', data);
  assert.equal((await local.verifyData('RS256', data, signed.result)).result, true);
  const wrapped = await local.wrapKey('RSA-OAEP', secret);
  assert.deepEqual(Buffer.from((await remote.unwrapKey('RSA-OAEP', wrapped.result)).result), secret);
});

test('CryptographyClient: ES256/384/512 signatures verify with node:crypto; oct GCM, CBC(PAD) and KW round-trip remotely', async () => {
  for (const [alg, curve, h] of [['ES256', 'P-256', 'sha256'], ['ES384', 'P-384', 'sha384'], ['ES512', 'P-521', 'sha512']] as const) {
    const key = await client.createEcKey(`crypto-${curve}`, { curve });
    const crypto = new CryptographyClient(key.id!, credential, cryptoOptions);
    const data = Buffer.from('ec data');
    const signed = await crypto.signData(alg, data);
    const pub = createPublicKey({ key: { kty: 'EC', crv: curve, x: Buffer.from(key.key!.x!).toString('base64url'), y: Buffer.from(key.key!.y!).toString('base64url') }, format: 'jwk' });
    assert.ok(nodeVerify(h, data, { key: pub, dsaEncoding: 'ieee-p1363' }, signed.result), alg);
    assert.equal((await crypto.verifyData(alg, data, signed.result)).result, true);
  }
  const oct = await client.createOctKey('crypto-oct', { hsm: true, keySize: 256 });
  const crypto = new CryptographyClient(oct.id!, credential, cryptoOptions);
  const plaintext = Buffer.from('sixteen byte msg and more');
  const gcm = await crypto.encrypt({ algorithm: 'A256GCM', plaintext, additionalAuthenticatedData: Buffer.from('aad') });
  const back = await crypto.decrypt({ algorithm: 'A256GCM', ciphertext: gcm.result, iv: gcm.iv!, authenticationTag: gcm.authenticationTag!, additionalAuthenticatedData: Buffer.from('aad') });
  assert.deepEqual(Buffer.from(back.result), plaintext);
  const cbc = await crypto.encrypt({ algorithm: 'A256CBCPAD', plaintext });
  assert.deepEqual(Buffer.from((await crypto.decrypt({ algorithm: 'A256CBCPAD', ciphertext: cbc.result, iv: cbc.iv! })).result), plaintext);
  const block = randomBytes(32);
  const raw = await crypto.encrypt({ algorithm: 'A256CBC', plaintext: block });
  assert.deepEqual(Buffer.from((await crypto.decrypt({ algorithm: 'A256CBC', ciphertext: raw.result, iv: raw.iv! })).result), block);
  const cek = randomBytes(32);
  const wrapped = await crypto.wrapKey('A256KW', cek);
  assert.deepEqual(Buffer.from((await crypto.unwrapKey('A256KW', wrapped.result)).result), cek);
  await assert.rejects(crypto.encrypt({ algorithm: 'A128GCM', plaintext }), (e: any) => e.statusCode === 400 && e.code === 'BadParameter');
});

test('key_ops, enabled, nbf and exp are enforced (403 Forbidden)', async () => {
  const key = await client.createEcKey('limited', { keyOps: ['verify'] });
  const digest = sha256(Buffer.from('x'));
  const plain = (await import('./keyvault-raw.js')).raw(vault);
  const sign = (name: string, version: string) => plain('POST', `/keys/${name}/${version}/sign`, { alg: 'ES256', value: digest.toString('base64url') });
  assert.equal((await sign('limited', key.properties.version!)).json.error.code, 'Forbidden');
  const open = await client.createEcKey('toggled');
  await client.updateKeyProperties('toggled', open.properties.version!, { enabled: false });
  const disabled = await sign('toggled', open.properties.version!);
  assert.equal(disabled.status, 403);
  assert.equal(disabled.json.error.innererror.code, 'ERR_KEY_OPERATION_FORBIDDEN');
  const future = await client.createEcKey('future', { notBefore: new Date(Date.now() + 3600_000) });
  assert.equal((await sign('future', future.properties.version!)).status, 403);
  const expired = await client.createEcKey('expired', { expiresOn: new Date(Date.now() - 3600_000) });
  assert.equal((await sign('expired', expired.properties.version!)).status, 403);
  const ok = await client.createEcKey('usable');
  assert.equal((await sign('usable', ok.properties.version!)).status, 200);
});

test('a key that signed is refused at its next signature once updated, disabled or deleted, and signs again once recovered (SQLite keeps versions between writes)', async () => {
  const key = await client.createEcKey('signed-then-changed');
  const version = key.properties.version!;
  const plain = (await import('./keyvault-raw.js')).raw(vault);
  const sign = async () => (await plain('POST', `/keys/signed-then-changed/${version}/sign`, { alg: 'ES256', value: sha256(Buffer.from('x')).toString('base64url') })).status;
  assert.equal(await sign(), 200);
  await client.updateKeyProperties('signed-then-changed', version, { keyOps: ['verify'] });
  assert.equal(await sign(), 403);
  await client.updateKeyProperties('signed-then-changed', version, { keyOps: ['sign'] });
  assert.equal(await sign(), 200);
  await client.updateKeyProperties('signed-then-changed', version, { enabled: false });
  assert.equal(await sign(), 403);
  await client.updateKeyProperties('signed-then-changed', version, { enabled: true });
  assert.equal(await sign(), 200);
  await (await client.beginDeleteKey('signed-then-changed', { intervalInMs: 10 })).pollUntilDone();
  assert.equal(await sign(), 404);
  await (await client.beginRecoverDeletedKey('signed-then-changed', { intervalInMs: 10 })).pollUntilDone();
  assert.equal(await sign(), 200);
});

test('SDK: rng returns the bytes asked for', async () => {
  const bytes = await client.getRandomBytes(32);
  assert.equal(bytes.length, 32);
  await assert.rejects(client.getRandomBytes(0), (e: any) => e.statusCode === 400 && e.code === 'BadParameter');
});

test('the KeyClient works with every api-version it can send', async () => {
  for (const serviceVersion of ['7.3', '7.4', '7.5', '7.6', '2025-07-01'] as const) {
    const c = vault.client({ serviceVersion: serviceVersion as never });
    const key = await c.createEcKey(`api-${serviceVersion.replace(/\./g, '-')}`);
    assert.equal((await c.getKey(key.name)).id, key.id, serviceVersion);
  }
});
