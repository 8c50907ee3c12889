/**
 * The TPM encryption key of Azure's guest attestation (TPM2_Certify by the AK), on self-made
 * keys: no vector holds one. Each refusal names what failed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { keyFromJwk, verifyTpmEncryptionKey, type TpmPublicKey } from '../src/index.js';
import { ALG, BeWriter, encodeQuote, hash } from '@confide/test-kit/tpm-pki';
import { jwkOf } from '@confide/test-kit/keys';

const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;
/** fixedTPM | fixedParent | sensitiveDataOrigin | noDA | decrypt, as the client creates it; SIGN instead of DECRYPT for the wrong kind. */
const DECRYPT_ATTRS = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 10) | (1 << 17);
const SIGN_ATTRS = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 10) | (1 << 18);

async function encKeyPublic(attributes: number): Promise<Uint8Array> {
  const pair = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const n = new Uint8Array(Buffer.from(jwkOf(pair.publicKey).n!, 'base64url'));
  const tpmt = new BeWriter().u16(ALG.RSA).u16(ALG.SHA256).u32(attributes).sized(new Uint8Array(32)).u16(ALG.NULL).u16(ALG.NULL).u16(2048).u32(0).sized(n).done();
  return new BeWriter().sized(tpmt).done();
}

function certifyInfo(name: Uint8Array): Uint8Array {
  return new BeWriter().u32(0xff544347).u16(0x8017).sized(new Uint8Array(34)).sized(new Uint8Array(0)).u64(1n).u32(0).u32(0).u8(1).u64(0n).sized(name).sized(name).done();
}

async function nameOf(tpm2b: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array([0x00, 0x0b, ...(await hash(ALG.SHA256, tpm2b.subarray(2)))]);
}

async function setup(attributes = DECRYPT_ATTRS) {
  const ak = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const akPub: TpmPublicKey = keyFromJwk(jwkOf(ak.publicKey) as Record<string, unknown>, 'AK');
  const publicArea = await encKeyPublic(attributes);
  const sign = async (b: Uint8Array) => new Uint8Array(await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', ak.privateKey, b));
  const info = certifyInfo(await nameOf(publicArea));
  return { akPub, publicArea, info, sign, signature: await sign(info) };
}

test('a TPM2_Certify of the encryption key by the AK verifies (bare RSA signature as the client sends it)', async () => {
  const s = await setup();
  const key = await verifyTpmEncryptionKey(s.akPub, { publicArea: s.publicArea, certifyInfo: s.info, signature: s.signature });
  assert.equal(key.kind, 'rsa');
  assert.equal(key.object?.decrypt, true);
});

test('refusals name what failed: signature, another key, a signing key, a quote instead of a certification', async () => {
  const s = await setup();
  const bad = s.signature.slice();
  bad[10]! ^= 1;
  await assert.rejects(verifyTpmEncryptionKey(s.akPub, { publicArea: s.publicArea, certifyInfo: s.info, signature: bad }), { code: 'ERR_EVIDENCE_SIGNATURE_INVALID', details: { field: 'encryptionKey' } });
  const other = await encKeyPublic(DECRYPT_ATTRS);
  await assert.rejects(verifyTpmEncryptionKey(s.akPub, { publicArea: other, certifyInfo: s.info, signature: s.signature }), { code: 'ERR_EVIDENCE_BINDING_MISMATCH', details: { field: 'encryptionKey' } });
  const signer = await setup(SIGN_ATTRS);
  await assert.rejects(verifyTpmEncryptionKey(signer.akPub, { publicArea: signer.publicArea, certifyInfo: signer.info, signature: signer.signature }), { code: 'ERR_EVIDENCE_UNSUPPORTED' });
  const quote = encodeQuote({ selection: [{ alg: ALG.SHA256, pcrs: [0] }], pcrDigest: new Uint8Array(32) });
  await assert.rejects(verifyTpmEncryptionKey(s.akPub, { publicArea: s.publicArea, certifyInfo: quote, signature: await s.sign(quote) }), { code: 'ERR_EVIDENCE_MALFORMED' });
});
