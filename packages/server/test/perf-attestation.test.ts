/**
 * The attestation service's fast paths: node:crypto primitives for the verifiers (same answers
 * as WebCrypto, inline or on the pool), collateral hashes remembered only while the collateral
 * is unchanged, memoised policy text, and the Buffer-based base64 field decoder.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { fromBase64, isConfideError, toBase64Url } from '@confide/core';
import type { RsaPublicKey } from '@confide/evidence';
import { p256Signer } from '@confide/test-kit/identity';
import { nodeVerifyCrypto } from '../src/services/attestation/node-crypto.js';
import { memoByText } from '../src/services/memo-by-text.js';
import { decodeBase64Field } from '../src/services/attestation/request.js';
import { jwkOf, signatureStartingWithZero } from '@confide/test-kit/keys';

const sha256Hex = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

const flip = (b: Uint8Array, i: number): Uint8Array => {
  const c = b.slice();
  c[i] = c[i]! ^ 0x01;
  return c;
};

describe('perf-attestation: node:crypto primitives', () => {
  for (const mode of ['pool', 'inline'] as const) {
    it(`verifyP256 (${mode}) accepts exactly what WebCrypto accepts`, async () => {
      const p = nodeVerifyCrypto({ inline: () => mode === 'inline' });
      const signer = await p256Signer();
      const other = await p256Signer();
      const data = crypto.getRandomValues(new Uint8Array(1000));
      const sig = await signer.sign(data);
      assert.equal(await p.verifyP256(signer.point, sig, data), true);
      assert.equal(await p.verifyP256(signer.point, sig, flip(data, 999)), false);
      assert.equal(await p.verifyP256(signer.point, flip(sig, 0), data), false);
      assert.equal(await p.verifyP256(signer.point, flip(sig, 63), data), false);
      assert.equal(await p.verifyP256(other.point, sig, data), false);
      assert.equal(await p.verifyP256(signer.point, sig.subarray(0, 63), data), false);
      assert.equal(await p.verifyP256(signer.point, new Uint8Array(64), data), false);
      // Not on the curve, a compressed-length key, the wrong prefix: never a throw, never true.
      assert.equal(await p.verifyP256(flip(signer.point, 64), sig, data), false);
      assert.equal(await p.verifyP256(signer.point.subarray(0, 33), sig, data), false);
      assert.equal(await p.verifyP256(Uint8Array.of(0x05, ...signer.point.subarray(1)), sig, data), false);
      // The good key still works after a bad point was refused.
      assert.equal(await p.verifyP256(signer.point, sig, data), true);
    });
  }

  for (const mode of ['pool', 'inline'] as const) {
    it(`verifyRsa (asked ${mode}; it always uses the pool) accepts exactly what WebCrypto accepts: PKCS #1 v1.5, and PSS with the exact salt length`, async () => {
      const p = nodeVerifyCrypto({ inline: () => mode === 'inline' });
      const subtle = crypto.subtle;
      const generate = (name: string) =>
        subtle.generateKey({ name, modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
      const data = crypto.getRandomValues(new Uint8Array(145));
      for (const name of ['RSASSA-PKCS1-v1_5', 'RSA-PSS'] as const) {
        const pair = await generate(name);
        const other = await generate(name);
        const jwk = jwkOf(pair.publicKey);
        const key = { n: fromBase64(jwk.n!), e: fromBase64(jwk.e!) };
        const otherJwk = jwkOf(other.publicKey);
        const otherKey = { n: fromBase64(otherJwk.n!), e: fromBase64(otherJwk.e!) };
        const params = name === 'RSA-PSS' ? ({ name, hash: 'SHA-256', saltLength: 32 } as const) : ({ name, hash: 'SHA-256' } as const);
        const sig = new Uint8Array(await subtle.sign(params, pair.privateKey, data));
        const cases: Array<[string, RsaPublicKey, Uint8Array, Uint8Array, boolean]> = [
          ['good', key, sig, data, true],
          ['data changed', key, sig, flip(data, 144), false],
          ['signature changed', key, flip(sig, 0), data, false],
          ['signature changed at the end', key, flip(sig, 255), data, false],
          ['another key', otherKey, sig, data, false],
          // Cut at the end, not the front: with a first byte of zero (one signature in 256) the front cut is the same number, which a length check alone refuses and WebCrypto's PSS accepts.
          ['a short signature', key, sig.subarray(0, 255), data, false],
          ['the same number one byte longer', key, Uint8Array.of(0, ...sig), data, false],
          ['a zero signature', key, new Uint8Array(256), data, false],
          ['a key without a modulus', { n: new Uint8Array(0), e: key.e }, sig, data, false],
        ];
        for (const [what, k, s, d, want] of cases) {
          assert.equal(await p.verifyRsa!(k, params, s, d), want, `${name}: ${what}`);
          const imported = await subtle.importKey('jwk', { kty: 'RSA', n: toBase64Url(k.n), e: toBase64Url(k.e) }, { name, hash: 'SHA-256' }, false, ['verify']).catch(() => undefined);
          const web = imported ? await subtle.verify(params, imported, s as Uint8Array<ArrayBuffer>, d as Uint8Array<ArrayBuffer>).catch(() => false) : false;
          assert.equal(web, want, `WebCrypto, ${name}: ${what}`);
        }
        if (name === 'RSA-PSS') {
          // PSS with another salt length than the one signed with does not verify, as with WebCrypto.
          for (const saltLength of [0, 20, 222]) assert.equal(await p.verifyRsa!(key, { name, hash: 'SHA-256', saltLength }, sig, data), false, `salt ${saltLength}`);
        } else {
          assert.equal(await p.verifyRsa!(key, { name, hash: 'SHA-384' }, sig, data), false, 'another hash');
        }
      }
    });
  }

  it('verifyRsa refuses a PSS signature whose leading zero byte was cut off (RFC 8017 8.1.2: exactly the modulus length), which OpenSSL alone reads as the same number', async () => {
    const p = nodeVerifyCrypto();
    const params = { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 } as const;
    const pair = (await crypto.subtle.generateKey({ ...params, modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1) }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const jwk = jwkOf(pair.publicKey);
    const key = { n: fromBase64(jwk.n!), e: fromBase64(jwk.e!) };
    const data = Uint8Array.of(1, 2, 3);
    const sig = await signatureStartingWithZero(() => crypto.subtle.sign(params, pair.privateKey, data));
    assert.equal(sig[0], 0, 'a signature starting with a zero byte');
    assert.equal(await p.verifyRsa!(key, params, sig, data), true);
    assert.equal(await p.verifyRsa!(key, params, sig.subarray(1), data), false);
  });

  it('digestSync is SHA-1, SHA-256, SHA-384 and SHA-512 as WebCrypto computes them', async () => {
    const p = nodeVerifyCrypto();
    for (const name of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const) {
      for (const data of [new Uint8Array(0), crypto.getRandomValues(new Uint8Array(96)), crypto.getRandomValues(new Uint8Array(5000))]) {
        assert.deepEqual(new Uint8Array(p.digestSync!(name, data)), new Uint8Array(await crypto.subtle.digest(name, data)), `${name} of ${data.length} bytes`);
      }
    }
  });

  it('sha256 is SHA-256', async () => {
    const data = crypto.getRandomValues(new Uint8Array(3000));
    const got = await nodeVerifyCrypto().sha256(data);
    assert.equal(Buffer.from(got).toString('hex'), sha256Hex(data));
    assert.equal(Buffer.from(await nodeVerifyCrypto().sha256(new Uint8Array(0))).toString('hex'), sha256Hex(''));
  });
});

describe('perf-attestation: memoByText', () => {
  it('computes once per text, never keeps a throw or a rejection, and freezes what it keeps', async () => {
    let calls = 0;
    const parse = memoByText((text: string) => {
      calls += 1;
      if (text === 'bad') throw new Error('bad text');
      return { text, list: [1, 2] };
    }, 2);
    const a = parse('a');
    assert.equal(parse('a'), a);
    assert.equal(calls, 1);
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.list));
    assert.throws(() => parse('bad'), /bad text/);
    assert.throws(() => parse('bad'), /bad text/);
    assert.equal(calls, 3);
    parse('b');
    parse('c'); // evicts 'a' (at most 2 kept)
    parse('a');
    assert.equal(calls, 6);

    let asyncCalls = 0;
    const hash = memoByText(async (text: string) => {
      asyncCalls += 1;
      if (asyncCalls === 1) throw new Error('transient');
      return `h(${text})`;
    });
    await assert.rejects(hash('p'), /transient/);
    assert.equal(await hash('p'), 'h(p)');
    assert.equal(await hash('p'), 'h(p)');
    assert.equal(asyncCalls, 2);
  });
});

describe('perf-attestation: base64 fields', () => {
  it('decode as @confide/core fromBase64 does, in both alphabets, padded or not', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100, 4097]) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      for (const text of [Buffer.from(bytes).toString('base64'), Buffer.from(bytes).toString('base64url')]) {
        for (const t of [text, text.replace(/=+$/, ''), ` ${text}\n`]) {
          const got = decodeBase64Field(t, 'quote');
          assert.deepEqual(got, fromBase64(t));
          assert.deepEqual(got, bytes);
          assert.equal(Object.getPrototypeOf(got), Uint8Array.prototype);
          if (n > 0) assert.equal(got.byteOffset, 0);
        }
      }
    }
    assert.deepEqual(decodeBase64Field('QR', 'quote'), fromBase64('QR'));
  });

  it('refuse what the endpoint refused before (pattern, then fromBase64), with ERR_VALIDATION naming the field', () => {
    for (const bad of ['A', 'AAAAA', 'AAAAA==', 'AA=A', 'AA!A', 'AAA===', 'AA AA', 'ÀAAA', 1, null]) {
      assert.throws(
        () => decodeBase64Field(bad, 'report'),
        (e) => isConfideError(e, 'ERR_VALIDATION') && (e.details as { field?: string } | undefined)?.field === 'report',
        String(bad),
      );
    }
  });
});
