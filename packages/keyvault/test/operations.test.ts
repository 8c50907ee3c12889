/** The operations agree with node:crypto (which signs messages) and refuse bad input with ERR_KEY_BAD_PARAMETER. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, publicEncrypt, randomBytes, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { decrypt, encrypt, generateKeyMaterial, loadKey, sign, unwrapKey, verify, wrapKey } from '../src/index.js';

const message = Buffer.from('the data a client hashed');
const digestOf = (h: string) => createHash(h).update(message).digest();

test('RS and PS signatures over a digest verify with node:crypto over the message, and node\'s verify here', async () => {
  const key = loadKey(await generateKeyMaterial({ family: 'RSA', size: 2048, publicExponent: 65537 }));
  for (const [alg, h] of [['RS256', 'sha256'], ['RS384', 'sha384'], ['RS512', 'sha512'], ['PS256', 'sha256'], ['PS384', 'sha384'], ['PS512', 'sha512']] as const) {
    const padding = alg.startsWith('PS') ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: createHash(h).digest().length } : {};
    const sig = sign(key, alg, digestOf(h));
    assert.ok(nodeVerify(h, message, { key: key.publicKey!, ...padding }, sig), alg);
    assert.ok(verify(key, alg, digestOf(h), nodeSign(h, message, { key: key.key, ...padding })), alg);
    const flipped = Buffer.from(sig);
    flipped[10] = flipped[10]! ^ 1;
    assert.equal(verify(key, alg, digestOf(h), flipped), false, alg);
  }
});

test('ES signatures over a digest verify with node:crypto over the message, and node\'s verify here', async () => {
  for (const [alg, crv, h] of [['ES256', 'P-256', 'sha256'], ['ES384', 'P-384', 'sha384'], ['ES512', 'P-521', 'sha512']] as const) {
    const key = loadKey(await generateKeyMaterial({ family: 'EC', curve: crv }));
    const sig = sign(key, alg, digestOf(h));
    assert.ok(nodeVerify(h, message, { key: key.publicKey!, dsaEncoding: 'ieee-p1363' }, sig), alg);
    assert.ok(verify(key, alg, digestOf(h), nodeSign(h, message, { key: key.key, dsaEncoding: 'ieee-p1363' })), alg);
    const flipped = Buffer.from(sig);
    flipped[5] = flipped[5]! ^ 1;
    assert.equal(verify(key, alg, digestOf(h), flipped), false, alg);
    assert.equal(verify(key, alg, digestOf(h), sig.subarray(1)), false);
  }
});

test('wrong algorithm, key family or digest length is ERR_KEY_BAD_PARAMETER', async () => {
  const ec = loadKey(await generateKeyMaterial({ family: 'EC', curve: 'P-256' }));
  assert.throws(() => sign(ec, 'RS256', digestOf('sha256')), { code: 'ERR_KEY_BAD_PARAMETER' });
  assert.throws(() => sign(ec, 'ES384', digestOf('sha384')), { code: 'ERR_KEY_BAD_PARAMETER' });
  assert.throws(() => sign(ec, 'ES256', digestOf('sha384')), { code: 'ERR_KEY_BAD_PARAMETER' });
  assert.throws(() => sign(ec, 'HS256', digestOf('sha256')), { code: 'ERR_KEY_BAD_PARAMETER' });
  assert.throws(() => encrypt(ec, { alg: 'RSA-OAEP', value: Buffer.from('x') }), { code: 'ERR_KEY_BAD_PARAMETER' });
});

test('RSA encryption and key wrap round-trip for every padding, and decrypt what node encrypted', async () => {
  const key = loadKey(await generateKeyMaterial({ family: 'RSA', size: 2048, publicExponent: 65537 }));
  const secret = randomBytes(32);
  for (const alg of ['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5']) {
    assert.deepEqual(Buffer.from(decrypt(key, { alg, value: encrypt(key, { alg, value: secret }).value })), secret, alg);
    assert.deepEqual(Buffer.from(unwrapKey(key, alg, wrapKey(key, alg, secret))), secret, alg);
    assert.throws(() => decrypt(key, { alg, value: randomBytes(256) }), { code: 'ERR_KEY_BAD_PARAMETER' });
  }
  const fromNode = publicEncrypt({ key: key.publicKey!, padding: constants.RSA_PKCS1_PADDING }, secret);
  assert.deepEqual(Buffer.from(decrypt(key, { alg: 'RSA1_5', value: fromNode })), secret);
});

test('AES GCM, CBC, CBCPAD and KW round-trip; the key size must match the algorithm; tampering fails', async () => {
  for (const size of [128, 192, 256]) {
    const key = loadKey(await generateKeyMaterial({ family: 'oct', size }));
    const aad = Buffer.from('context');
    const gcm = encrypt(key, { alg: `A${size}GCM`, value: message, aad });
    assert.equal(gcm.iv!.length, 12);
    assert.deepEqual(Buffer.from(decrypt(key, { alg: `A${size}GCM`, value: gcm.value, iv: gcm.iv, tag: gcm.tag, aad })), message);
    assert.throws(() => decrypt(key, { alg: `A${size}GCM`, value: gcm.value, iv: gcm.iv, tag: gcm.tag, aad: Buffer.from('other') }), { code: 'ERR_KEY_BAD_PARAMETER' });
    const iv = randomBytes(16);
    const pad = encrypt(key, { alg: `A${size}CBCPAD`, value: message, iv });
    assert.deepEqual(Buffer.from(decrypt(key, { alg: `A${size}CBCPAD`, value: pad.value, iv })), message);
    const block = randomBytes(32);
    assert.deepEqual(Buffer.from(decrypt(key, { alg: `A${size}CBC`, value: encrypt(key, { alg: `A${size}CBC`, value: block, iv }).value, iv })), block);
    assert.throws(() => encrypt(key, { alg: `A${size}CBC`, value: message, iv }), { code: 'ERR_KEY_BAD_PARAMETER' });
    assert.throws(() => encrypt(key, { alg: `A${size}CBC`, value: block, iv: iv.subarray(1) }), { code: 'ERR_KEY_BAD_PARAMETER' });
    assert.equal(encrypt(key, { alg: `A${size}CBCPAD`, value: message }).iv?.length, 16, 'the vault makes an IV when none is given');
    const cek = randomBytes(32);
    assert.deepEqual(Buffer.from(unwrapKey(key, `A${size}KW`, wrapKey(key, `A${size}KW`, cek))), cek);
    const other = size === 256 ? 128 : 256;
    assert.throws(() => encrypt(key, { alg: `A${other}GCM`, value: message }), { code: 'ERR_KEY_BAD_PARAMETER' });
  }
});
