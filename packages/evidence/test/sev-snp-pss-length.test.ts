/**
 * AMD's RSA-PSS certificate signatures (ARK, ASK, ASVK) must be exactly as long as the signer's
 * modulus (RFC 8017 8.1.2, step 1): WebCrypto on Node reads a signature cut of its leading zero
 * byte as the same number and accepts it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signatureStartingWithZero } from '@confide/test-kit/keys';
import { verifyPss } from '../src/sev-snp/crypto.js';

test('verifyPss refuses an RSA-PSS signature cut of its leading zero byte, which WebCrypto on Node takes', async () => {
  const params = { name: 'RSA-PSS', hash: 'SHA-384' } as const;
  const keys = (await crypto.subtle.generateKey({ ...params, modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1) }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  const data = Uint8Array.of(7, 7, 7);
  const sig = await signatureStartingWithZero(() => crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 48 }, keys.privateKey, data));
  assert.equal(sig[0], 0, 'a signature starting with a zero byte');
  const cut = sig.subarray(1);
  assert.equal(await crypto.subtle.verify({ name: 'RSA-PSS', saltLength: 48 }, keys.publicKey, cut, data), true, 'WebCrypto takes the cut signature');
  assert.equal(await verifyPss(spki, { saltLength: 48 }, sig, data), true);
  assert.equal(await verifyPss(spki, { saltLength: 48 }, cut, data), false);
  assert.equal(await verifyPss(spki, { saltLength: 48 }, Uint8Array.of(0, ...sig), data), false, 'one byte longer');
});
