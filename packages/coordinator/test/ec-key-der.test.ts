/**
 * The marble key's DER, written by the coordinator (pki/ec-key-der.ts), is byte for byte what
 * OpenSSL's encoders write for the same key, on both curves, including keys whose private scalar
 * or a coordinate starts with a zero byte (the JWK keeps the full length, and so must the DER).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { ecKeyDer, generateEcKeyDer, type MarbleCurve } from '../src/pki/ec-key-der.js';

function opensslDer(key: ReturnType<typeof createPrivateKey>): { spki: Buffer; pkcs8: Buffer } {
  return { spki: createPublicKey(key).export({ type: 'spki', format: 'der' }), pkcs8: key.export({ type: 'pkcs8', format: 'der' }) };
}

for (const curve of ['P-256', 'P-384'] as MarbleCurve[]) {
  test(`${curve}: SPKI and PKCS #8 equal OpenSSL's for 200 keys and for keys with a leading zero byte`, () => {
    const leading = new Set<string>();
    for (let i = 0; i < 6000 && (i < 200 || leading.size < 3); i++) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const jwk = privateKey.export({ format: 'jwk' });
      for (const name of ['d', 'x', 'y'] as const) if (Buffer.from(jwk[name]!, 'base64url')[0] === 0) leading.add(name);
      const ours = ecKeyDer(curve, jwk);
      const theirs = opensslDer(privateKey);
      assert.deepEqual(Buffer.from(ours.publicKeySpki), theirs.spki);
      assert.deepEqual(Buffer.from(ours.privateKeyPkcs8), theirs.pkcs8);
    }
    assert.deepEqual([...leading].sort(), ['d', 'x', 'y'], 'a key with each component starting with 0x00 was seen');
  });

  test(`${curve}: generateEcKeyDer gives a pair whose halves belong together`, async () => {
    const { publicKeySpki, privateKeyPkcs8 } = await generateEcKeyDer(curve);
    const privateKey = createPrivateKey({ key: Buffer.from(privateKeyPkcs8), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey({ key: Buffer.from(publicKeySpki), format: 'der', type: 'spki' });
    assert.equal(privateKey.asymmetricKeyDetails?.namedCurve, curve === 'P-256' ? 'prime256v1' : 'secp384r1');
    const message = Buffer.from('marble');
    assert.ok(verify('sha256', message, publicKey, sign('sha256', message, privateKey)));
  });
}

test('a JWK of another curve, kind or component length is refused', () => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  assert.throws(() => ecKeyDer('P-384', jwk), /expected an EC P-384 JWK/);
  assert.throws(() => ecKeyDer('P-256', { ...jwk, kty: 'OKP' }), /expected an EC P-256 JWK/);
  assert.throws(() => ecKeyDer('P-256', { ...jwk, d: Buffer.alloc(31, 1).toString('base64url') }), /d is not 32 bytes/);
  assert.throws(() => ecKeyDer('P-256', { ...jwk, x: undefined }), /x is not 32 bytes/);
});
