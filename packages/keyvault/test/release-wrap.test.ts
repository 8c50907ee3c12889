import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createPrivateKey, privateDecrypt, sign, verify, type KeyObject } from 'node:crypto';
import {
  aesKeyUnwrapPad,
  aesKeyWrapPad,
  decodeKeyHsm,
  encodeKeyHsm,
  jwkOfReleaseMaterial,
  loadKey,
  pickTransferKey,
  releaseMaterialOf,
  RELEASE_ENCS,
  unwrapRelease,
  wrapForRelease,
  type PrivateJwk,
} from '../src/index.js';
import { keyPairSync } from '@confide/test-kit/keys';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));

// RFC 5649 §6: the two published examples (192-bit KEK).
const RFC5649_KEK = hex('5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8');
const RFC5649 = [
  { key: hex('c37b7e6492584340 bed1220780894115 5068f738'), wrap: hex('138bdeaa9b8fa7fc 61f97742e72248ee 5ae6ae5360d1ae6a 5f54f373fa543b6a') },
  { key: hex('466f7250617369'), wrap: hex('afbeb0f07dfbf541 9200f2ccb50bb24f') },
];

test('RFC 5649 key wrap with padding matches the published test vectors both ways', () => {
  for (const v of RFC5649) {
    assert.deepEqual(aesKeyWrapPad(RFC5649_KEK, v.key), v.wrap);
    assert.deepEqual(aesKeyUnwrapPad(RFC5649_KEK, v.wrap), v.key);
  }
  const altered = RFC5649[0]!.wrap.slice();
  altered[5]! ^= 1;
  assert.throws(() => aesKeyUnwrapPad(RFC5649_KEK, altered));
});

const transfer = keyPairSync('rsa', { modulusLength: 2048 });

function runtimeClaims(keys: unknown[]): Record<string, unknown> {
  return { 'x-ms-runtime': { keys } };
}
const transferJwk = (extra: Record<string, unknown>): Record<string, unknown> => ({ ...transfer.publicKey.export({ format: 'jwk' }), ...extra });

test('every enc round-trips RSA, EC and oct material through the transfer key', () => {
  const rsa = keyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as PrivateJwk;
  const ec = keyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' }) as PrivateJwk;
  const oct: PrivateJwk = { kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url') };
  for (const enc of RELEASE_ENCS) {
    for (const jwk of [rsa, ec, oct]) {
      const ct = wrapForRelease(enc, transfer.publicKey, releaseMaterialOf(loadKey(jwk)));
      const back = jwkOfReleaseMaterial(jwk.kty, unwrapRelease(enc, transfer.privateKey, ct));
      assert.deepEqual(back, jwk, `${enc} ${jwk.kty}`);
    }
  }
});

test('the wrap is RSA-OAEP (SHA-1, -256, -384 per enc) of an AES-256 key, then RFC 5649 under it', () => {
  const material = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  const hashes = { CKM_RSA_AES_KEY_WRAP: 'sha1', RSA_AES_KEY_WRAP_256: 'sha256', RSA_AES_KEY_WRAP_384: 'sha384' } as const;
  for (const enc of RELEASE_ENCS) {
    const ct = wrapForRelease(enc, transfer.publicKey, material);
    assert.equal(ct.length, 256 + 24 + 8);
    // Decrypted independently of unwrapRelease: the byte layout is what a workload relies on.
    const aes = privateDecrypt({ key: transfer.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hashes[enc] }, ct.subarray(0, 256));
    assert.equal(aes.length, 32);
    assert.deepEqual(aesKeyUnwrapPad(aes, ct.subarray(256)), material);
    const other = RELEASE_ENCS.find((e) => e !== enc)!;
    assert.throws(() => unwrapRelease(other, transfer.privateKey, ct), { code: 'ERR_KEY_RELEASE_UNWRAP_FAILED' });
  }
});

test('an altered ciphertext or another transfer key does not unwrap (ERR_KEY_RELEASE_UNWRAP_FAILED)', () => {
  const ct = wrapForRelease('CKM_RSA_AES_KEY_WRAP', transfer.publicKey, new Uint8Array(32).fill(9));
  const tail = ct.slice();
  tail[tail.length - 1]! ^= 1;
  assert.throws(() => unwrapRelease('CKM_RSA_AES_KEY_WRAP', transfer.privateKey, tail), { code: 'ERR_KEY_RELEASE_UNWRAP_FAILED' });
  const head = ct.slice();
  head[3]! ^= 1;
  assert.throws(() => unwrapRelease('CKM_RSA_AES_KEY_WRAP', transfer.privateKey, head), { code: 'ERR_KEY_RELEASE_UNWRAP_FAILED' });
  const stranger = keyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  assert.throws(() => unwrapRelease('CKM_RSA_AES_KEY_WRAP', stranger, ct), { code: 'ERR_KEY_RELEASE_UNWRAP_FAILED' });
  assert.throws(() => unwrapRelease('CKM_RSA_AES_KEY_WRAP', transfer.privateKey, ct.subarray(0, 200)), { code: 'ERR_KEY_RELEASE_UNWRAP_FAILED' });
});

test('the transfer key is the first RSA key with key_use "enc" or key_ops "encrypt", as the service picks it', () => {
  const sigOnly = keyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
  const ecEnc = keyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const picked = pickTransferKey(runtimeClaims([{ ...sigOnly, kid: 'sig', key_use: 'sig' }, { ...ecEnc, kid: 'ec', key_use: 'enc' }, transferJwk({ kid: 'tk', key_ops: ['encrypt'] }), transferJwk({ kid: 'later', key_use: 'enc' })]));
  assert.equal(picked.kid, 'tk');
  assert.ok(picked.key.equals(transfer.publicKey));
  assert.equal(pickTransferKey(runtimeClaims([transferJwk({ kid: 'u', use: 'enc' })])).kid, 'u');
  assert.throws(() => pickTransferKey({}), { code: 'ERR_KEY_RELEASE_NO_TRANSFER_KEY' });
  assert.throws(() => pickTransferKey(runtimeClaims([{ ...sigOnly, key_use: 'sig' }])), { code: 'ERR_KEY_RELEASE_NO_TRANSFER_KEY' });
  assert.throws(() => pickTransferKey({ 'x-ms-isolation-tee': { 'x-ms-runtime': { keys: [transferJwk({ key_use: 'enc' })] } } }), { code: 'ERR_KEY_RELEASE_NO_TRANSFER_KEY' });
  const small = keyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  assert.throws(() => pickTransferKey(runtimeClaims([{ ...small, key_use: 'enc' }])), { code: 'ERR_KEY_RELEASE_NO_TRANSFER_KEY' });
  assert.throws(() => pickTransferKey(runtimeClaims([{ kty: 'RSA', n: '!!', e: 'AQAB', key_use: 'enc' }])), { code: 'ERR_KEY_RELEASE_NO_TRANSFER_KEY' });
});

test('key_hsm is base64url of the KeyTransferBlob JSON and decodes back', () => {
  const ciphertext = new Uint8Array([1, 2, 3]);
  const keyHsm = encodeKeyHsm({ kid: 'tk', enc: 'RSA_AES_KEY_WRAP_256', ciphertext });
  assert.deepEqual(JSON.parse(Buffer.from(keyHsm, 'base64url').toString()), { schema_version: '1.0', header: { kid: 'tk', alg: 'dir', enc: 'RSA_AES_KEY_WRAP_256' }, ciphertext: 'AQID' });
  assert.deepEqual(decodeKeyHsm(keyHsm), { kid: 'tk', enc: 'RSA_AES_KEY_WRAP_256', ciphertext });
  const bad = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  assert.throws(() => decodeKeyHsm('%%%'), { code: 'ERR_KEY_RELEASE_UNWRAP_FAILED' });
  assert.throws(() => decodeKeyHsm(bad({ header: { alg: 'RSA-OAEP', enc: 'CKM_RSA_AES_KEY_WRAP' }, ciphertext: 'AQID' })), { code: 'ERR_KEY_RELEASE_UNWRAP_FAILED' });
  assert.throws(() => decodeKeyHsm(bad({ header: { alg: 'dir', enc: 'A256KW' }, ciphertext: 'AQID' })), { code: 'ERR_KEY_RELEASE_UNWRAP_FAILED' });
});

test('released RSA material signs what the public key verifies', () => {
  const kp = keyPairSync('rsa', { modulusLength: 2048 });
  const jwk = kp.privateKey.export({ format: 'jwk' }) as PrivateJwk;
  const back = jwkOfReleaseMaterial('RSA', unwrapRelease('RSA_AES_KEY_WRAP_384', transfer.privateKey, wrapForRelease('RSA_AES_KEY_WRAP_384', transfer.publicKey, releaseMaterialOf(loadKey(jwk)))));
  const key: KeyObject = createPrivateKey({ key: back, format: 'jwk' });
  const sig = sign('sha256', Buffer.from('data'), key);
  assert.ok(verify('sha256', Buffer.from('data'), kp.publicKey, sig));
  assert.throws(() => jwkOfReleaseMaterial('EC', releaseMaterialOf(loadKey(jwk))));
});
