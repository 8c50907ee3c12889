/**
 * The marble key's DER, written by the coordinator (pki/ec-key-der.ts), is byte for byte what
 * OpenSSL's encoders write for the same key, on both curves, including keys whose private scalar
 * (which ECDH hands out without its leading zero bytes) or a coordinate starts with a zero byte.
 * The reference key is imported from its JWK: a generated KeyObject's JWK export can deadlock in
 * Node 20 (ec-key-der.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createECDH, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { ecKeyDer, generateEcKeyDer, type MarbleCurve } from '../src/pki/ec-key-der.js';

const OPENSSL_NAME: Record<MarbleCurve, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' };

for (const [curve, size] of [['P-256', 32], ['P-384', 48]] as const) {
  test(`${curve}: SPKI and PKCS #8 equal OpenSSL's, leading zero bytes included`, () => {
    const seen = new Set<string>();
    // At least 200 keys, and on until each leading-zero case was seen (1/256 per key and case).
    for (let i = 0; i < 20_000 && (i < 200 || seen.size < 3); i++) {
      const ecdh = createECDH(OPENSSL_NAME[curve]);
      ecdh.generateKeys();
      const d = ecdh.getPrivateKey();
      const point = ecdh.getPublicKey();
      if (d.length < size) seen.add('short d');
      if (point[1] === 0) seen.add('x');
      if (point[1 + size] === 0) seen.add('y');
      const jwk = {
        kty: 'EC',
        crv: curve,
        d: Buffer.concat([Buffer.alloc(size - d.length), d]).toString('base64url'),
        x: point.subarray(1, 1 + size).toString('base64url'),
        y: point.subarray(1 + size).toString('base64url'),
      };
      const reference = createPrivateKey({ key: jwk, format: 'jwk' });
      const ours = ecKeyDer(curve, d, point);
      assert.deepEqual(Buffer.from(ours.privateKeyPkcs8), reference.export({ type: 'pkcs8', format: 'der' }));
      assert.deepEqual(Buffer.from(ours.publicKeySpki), createPublicKey(reference).export({ type: 'spki', format: 'der' }));
    }
    assert.deepEqual([...seen].sort(), ['short d', 'x', 'y']);
  });

  test(`${curve}: generateEcKeyDer gives a pair whose halves belong together`, async () => {
    const { publicKeySpki, privateKeyPkcs8 } = await generateEcKeyDer(curve);
    const privateKey = createPrivateKey({ key: Buffer.from(privateKeyPkcs8), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey({ key: Buffer.from(publicKeySpki), format: 'der', type: 'spki' });
    assert.equal(privateKey.asymmetricKeyDetails?.namedCurve, OPENSSL_NAME[curve]);
    const message = Buffer.from('marble');
    assert.ok(verify('sha256', message, publicKey, sign('sha256', message, privateKey)));
  });
}

test('a raw key of the wrong shape, or a zero scalar, is refused', () => {
  assert.throws(() => ecKeyDer('P-256', new Uint8Array(33), Uint8Array.of(4, ...new Uint8Array(64))), /not a P-256 key/);
  assert.throws(() => ecKeyDer('P-256', Uint8Array.of(1), new Uint8Array(65)), /not a P-256 key/);
  assert.throws(() => ecKeyDer('P-384', Uint8Array.of(1), Uint8Array.of(4, ...new Uint8Array(64))), /not a P-384 key/);
  assert.throws(() => ecKeyDer('P-256', new Uint8Array(0), Uint8Array.of(4, ...new Uint8Array(64))), /not a P-256 key/);
  assert.throws(() => ecKeyDer('P-256', new Uint8Array(32), Uint8Array.of(4, ...new Uint8Array(64))), /not a P-256 key/);
});
