/**
 * The cheaper keys of the Intel verification path: the PCK chain found by its exact bytes (a slot
 * from its first bytes, the whole bytes decide a hit), a whole chain remembered as verified under
 * its exact text and parsed object, the collateral digests as one entry, word-wise byte equality,
 * one CachedCrypto per (cache, primitives). Each must miss on any change and stay per crypto scope.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromUtf8, toHex } from '@confide/core';
import { parseIntelQuote, VerifyCache, verifyIntelQuote, verifyIntelQuoteSignatures, type VerifyCrypto } from '../src/index.js';
import { cachedCrypto, webCryptoPrimitives } from '../src/webcrypto/p256.js';
import { chainChecks, pinnedRootKeys } from '../src/intel/pki.js';
import { settleChecks } from '../src/intel/checks.js';
import { sameBytes } from '../src/memo/cache.js';
import { forgeIntelWorld } from '@confide/test-kit/intel-pki';
import { rejectsWithCode as rejectsWith } from '@confide/test-kit/assert';

/** Primitives that say every P-256 signature is valid. */
const liar: VerifyCrypto = { sha256: webCryptoPrimitives.sha256, verifyP256: async () => true };

/** Where the PCK chain PEM sits in a bare quote, and the offset of a base64 character inside the leaf's signature. */
function pckChainAt(rawQuote: Uint8Array): { start: number; end: number; inLeafSignature: number } {
  const pem = parseIntelQuote(rawQuote).qe.pckChainPem;
  const start = pem.byteOffset - rawQuote.byteOffset;
  const text = fromUtf8(pem);
  // The leaf's signature ends its PEM block: a character a few before the END line, clear of padding.
  const endOfLeaf = text.indexOf('-----END CERTIFICATE-----');
  let at = endOfLeaf - 8;
  while (!/[A-Za-z0-9]/.test(text[at]!)) at -= 1;
  return { start, end: start + pem.length, inLeafSignature: start + at };
}

/** Another base64 character than `c`, of the same class so that the PEM still decodes. */
function otherChar(c: number): number {
  return c === 0x41 /* A */ ? 0x42 : 0x41;
}

describe('perf-cache-keys: the PCK chain is found by its exact bytes', () => {
  it('a chain that differs after the slot bytes (a changed leaf signature) is parsed and checked again', async () => {
    const world = await forgeIntelWorld();
    await verifyIntelQuote(world.rawQuote, world.context());
    const { start, inLeafSignature } = pckChainAt(world.rawQuote);
    assert.ok(inLeafSignature - start > 96, 'the change lies beyond the bytes that pick the slot');
    const forged = world.rawQuote.slice();
    forged[inLeafSignature] = otherChar(forged[inLeafSignature]!);
    await rejectsWith(verifyIntelQuote(forged, world.context()), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    // The genuine chain is still answered (from the cache or afresh).
    assert.equal((await verifyIntelQuote(world.rawQuote, world.context())).tee, 'sgx');
  });

  it('the caller changing its quote buffer in place after a verification is seen', async () => {
    const world = await forgeIntelWorld();
    const buffer = world.rawQuote.slice();
    await verifyIntelQuote(buffer, world.context());
    const { inLeafSignature } = pckChainAt(buffer);
    const original = buffer[inLeafSignature]!;
    buffer[inLeafSignature] = otherChar(original);
    await rejectsWith(verifyIntelQuote(buffer, world.context()), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    buffer[inLeafSignature] = original;
    assert.equal((await verifyIntelQuote(buffer, world.context())).tee, 'sgx');
  });
});

describe('perf-cache-keys: a verified chain', () => {
  it('is remembered per crypto scope: a chain a lying hook accepted is refused by the default crypto', async () => {
    const world = await forgeIntelWorld({ break: { pckCertSignature: true } });
    const cache = new VerifyCache();
    const fooled = await verifyIntelQuoteSignatures(world.rawQuote, { trustAnchors: world.trustAnchors, crypto: liar, cache });
    assert.ok(fooled.checked.includes('PCK chain:Intel SGX PCK Certificate'));
    await rejectsWith(verifyIntelQuoteSignatures(world.rawQuote, { trustAnchors: world.trustAnchors, cache }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    await rejectsWith(verifyIntelQuote(world.rawQuote, world.context({ cache })), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('holds only for the chain object it was checked on: good certificates checked under a forged text do not vouch for that text', async () => {
    const pki = (await forgeIntelWorld()).pki;
    const good = await forgeIntelWorld({ pki });
    const forged = await forgeIntelWorld({ pki, break: { pckCertSignature: true } });
    const cache = new VerifyCache();
    const cc = cachedCrypto({ cache });
    const goodChain = (await verifyIntelQuoteSignatures(good.rawQuote, { trustAnchors: good.trustAnchors, cache })).pck;
    const forgedPem = fromUtf8(parseIntelQuote(forged.rawQuote).qe.pckChainPem);
    // A caller pairing good certificates with another chain's text: every link verifies...
    await settleChecks(chainChecks(goodChain.certs, pinnedRootKeys(good.trustAnchors), 'PCK chain', false, cc, forgedPem));
    await new Promise((resolve) => setTimeout(resolve, 0));
    // ...and the text's own certificates are still checked, and fail.
    await rejectsWith(verifyIntelQuote(forged.rawQuote, forged.context({ cache })), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('lets a repeated verification skip the link lookups, with the same names of checks', async () => {
    const world = await forgeIntelWorld();
    const cache = new VerifyCache();
    const first = await verifyIntelQuoteSignatures(world.rawQuote, { trustAnchors: world.trustAnchors, cache });
    await new Promise((resolve) => setTimeout(resolve, 0));
    let gets = 0;
    const get = cache.get.bind(cache);
    cache.get = <T>(region: string, key: string): T | undefined => {
      if (region.startsWith('p256:')) gets += 1;
      return get<T>(region, key);
    };
    const again = await verifyIntelQuoteSignatures(world.rawQuote, { trustAnchors: world.trustAnchors, cache });
    assert.deepEqual(again.checked, first.checked);
    assert.equal(gets, 1, 'only the QE report signature is looked up; the three chain links are one verdict');
  });
});

describe('perf-cache-keys: collateral digests', () => {
  it('are kept per crypto scope: digests from a hook are not handed to the default crypto', async () => {
    const world = await forgeIntelWorld();
    const cache = new VerifyCache();
    // Wrong only for the TCB Info body (the QE binding must still verify).
    const tcbInfoLength = new TextEncoder().encode(world.collateral.tcbInfo.body).length;
    const zeros: VerifyCrypto = {
      sha256: (data) => (data.length === tcbInfoLength ? new Uint8Array(32) : webCryptoPrimitives.sha256(data)),
      verifyP256: webCryptoPrimitives.verifyP256,
    };
    const hooked = await verifyIntelQuote(world.rawQuote, world.context({ cache, crypto: zeros }));
    assert.equal(hooked.collateralDigests.tcbInfo, '00'.repeat(32));
    const plain = await verifyIntelQuote(world.rawQuote, world.context({ cache }));
    const sha = async (b: Uint8Array) => toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>)));
    assert.equal(plain.collateralDigests.tcbInfo, await sha(new TextEncoder().encode(world.collateral.tcbInfo.body)));
    assert.equal(plain.collateralDigests.quote, await sha(world.rawQuote));
  });
});

describe('perf-cache-keys: sameBytes', () => {
  it('is exact at every length and offset, word-wise or not', () => {
    const backing = crypto.getRandomValues(new Uint8Array(512));
    for (const length of [0, 1, 3, 4, 5, 63, 64, 65, 66, 67, 100, 257]) {
      for (const offset of [0, 1, 2, 3]) {
        const a = backing.subarray(offset, offset + length);
        const b = new Uint8Array(length + 7).subarray(7);
        b.set(a);
        assert.equal(sameBytes(a, b), true, `equal, length ${length} offset ${offset}`);
        for (const at of new Set([0, length >> 1, length - 1].filter((i) => i >= 0 && i < length))) {
          b[at] = b[at]! ^ 0x80;
          assert.equal(sameBytes(a, b), false, `byte ${at} of ${length} (offset ${offset})`);
          b[at] = b[at]! ^ 0x80;
        }
        assert.equal(sameBytes(a, backing.subarray(offset, offset + length + 1)), false, 'one byte longer');
      }
    }
  });
});

describe('perf-cache-keys: cachedCrypto', () => {
  it('is one object per (cache, primitives), with the scope of those primitives', () => {
    const cache = new VerifyCache();
    const own: VerifyCrypto = { ...liar };
    assert.equal(cachedCrypto({ cache }), cachedCrypto({ cache }));
    assert.equal(cachedCrypto({ cache, crypto: own }), cachedCrypto({ cache, crypto: own }));
    assert.notEqual(cachedCrypto({ cache, crypto: own }).scope, cachedCrypto({ cache }).scope);
    assert.notEqual(cachedCrypto({ cache, crypto: own }).regions.p256, cachedCrypto({ cache }).regions.p256);
    assert.notEqual(cachedCrypto({ cache: new VerifyCache(), crypto: own }), cachedCrypto({ cache, crypto: own }));
    assert.equal(cachedCrypto({ cache }).primitives !== webCryptoPrimitives, true, 'a cache of its own imports keys into itself');
    assert.equal(cachedCrypto().primitives, webCryptoPrimitives);
  });
});
