/**
 * The verification cache (VerifyContext.cache): verdicts are kept per crypto implementation, so a
 * caller's own primitives that wrongly say "valid" cannot make a later verification with other
 * primitives accept what they accepted; the cache is bounded by entries and by bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConfideError } from '@confide/core';
import { VerifyCache, verifyEvidence, verifyIntelQuote, type CollateralProvider, type IntelCollateral, type VerifyCrypto } from '../src/index.js';
import { webCryptoPrimitives } from '../src/webcrypto/p256.js';
import { forgeIntelWorld } from '@confide/test-kit/intel-pki';
import { flipBodyByte } from './intel-tcb-fixtures.js';
import { rejectsWithCode as rejectsWith } from '@confide/test-kit/assert';

function provider(collateral: IntelCollateral): CollateralProvider {
  return { intel: async () => collateral, amd: async () => undefined };
}

/** Primitives that say every P-256 signature is valid. */
const liar: VerifyCrypto = { sha256: webCryptoPrimitives.sha256, verifyP256: async () => true };

describe('verify-cache: a lying crypto hook poisons nothing', () => {
  it('a corrupted TCB Info accepted by a hook that says "valid" is still refused with the default crypto', async () => {
    const world = await forgeIntelWorld();
    const corrupted = { ...world.collateral, tcbInfo: flipBodyByte(world.collateral.tcbInfo) };
    const ctx = world.context({ collateral: provider(corrupted) });
    // The hook's own verdict is its caller's business: it accepts.
    const fooled = await verifyIntelQuote(world.quote, { ...ctx, crypto: liar });
    assert.equal(fooled.tee, 'sgx');
    await rejectsWith(verifyIntelQuote(world.quote, ctx), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    await rejectsWith(verifyEvidence(world.rawQuote, {}, ctx), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('nor with other primitives of the same kind', async () => {
    const world = await forgeIntelWorld({ tee: 'tdx', quoteVersion: 4 });
    const corrupted = { ...world.collateral, qeIdentity: flipBodyByte(world.collateral.qeIdentity) };
    const ctx = world.context({ collateral: provider(corrupted) });
    await verifyIntelQuote(world.quote, { ...ctx, crypto: liar });
    const honest: VerifyCrypto = { ...webCryptoPrimitives };
    await rejectsWith(verifyIntelQuote(world.quote, { ...ctx, crypto: honest }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('a forged quote signature accepted by the hook is refused afterwards', async () => {
    const world = await forgeIntelWorld({ break: { qeReportSignature: true } });
    await verifyIntelQuote(world.quote, world.context({ crypto: liar }));
    await rejectsWith(verifyIntelQuote(world.quote, world.context()), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });
});

describe('verify-cache: an injected cache', () => {
  it('holds what one verification remembers, and a fresh cache checks everything again', async () => {
    const world = await forgeIntelWorld();
    const cache = new VerifyCache();
    const first = await verifyIntelQuote(world.quote, world.context({ cache }));
    assert.ok(cache.size > 0 && cache.bytes > 0);
    let checks = 0;
    const counting: VerifyCrypto = {
      sha256: webCryptoPrimitives.sha256,
      verifyP256: (point, signature, data) => {
        checks += 1;
        return webCryptoPrimitives.verifyP256(point, signature, data);
      },
    };
    await verifyIntelQuote(world.quote, world.context({ cache, crypto: counting }));
    const cold = checks;
    checks = 0;
    const again = await verifyIntelQuote(world.quote, world.context({ cache, crypto: counting }));
    assert.deepEqual(again, first);
    assert.equal(checks, 1, 'only the quote signature is checked again');
    assert.ok(cold > 1, `a cold cache checks every signature (${cold})`);
  });

  it('is bounded by entries and by bytes across regions, oldest first', () => {
    const cache = new VerifyCache({ maxEntries: 3, maxBytes: 100 });
    cache.set('r', 'a', 1, 10);
    cache.set('r', 'b', 2, 10);
    cache.set('q', 'c', 3, 10);
    cache.set('r', 'd', 4, 10); // a, the oldest, leaves
    assert.deepEqual([cache.get('r', 'a'), cache.get('r', 'b'), cache.get('q', 'c'), cache.get('r', 'd')], [undefined, 2, 3, 4]);
    assert.equal(cache.size, 3);
    cache.set('r', 'e', 5, 85); // b and c leave, so that 10 + 85 bytes fit
    assert.deepEqual([cache.size, cache.bytes, cache.get('r', 'b'), cache.get('q', 'c'), cache.get('r', 'd')], [2, 95, undefined, undefined, 4]);
    cache.set('r', 'f', 6, 101);
    assert.equal(cache.get('r', 'f'), undefined, 'a value over the byte bound is not kept');
    assert.equal(cache.bytes, 95);
    cache.delete('r', 'e', 'other');
    assert.equal(cache.get('r', 'e'), 5, 'delete with a value removes only that value');
    cache.delete('r', 'e');
    cache.delete('r', 'd');
    assert.equal(cache.bytes, 0);
  });

  it('stays within its bounds over many distinct quotes', async () => {
    const cache = new VerifyCache({ maxEntries: 8, maxBytes: 64 * 1024 });
    for (let i = 0; i < 3; i++) {
      const world = await forgeIntelWorld();
      await verifyIntelQuote(world.quote, world.context({ cache }));
      assert.ok(cache.size <= 8 && cache.bytes <= 64 * 1024, `${cache.size} entries, ${cache.bytes} bytes`);
    }
  });
});

describe('collateral is asked for only after the quote and its PCK chain verified', () => {
  for (const broken of ['pckCertSignature', 'foreignRoot', 'quoteSignature'] as const) {
    it(`a quote with a broken ${broken} never reaches the collateral provider`, async () => {
      const world = await forgeIntelWorld({ break: { [broken]: true } });
      let asked = 0;
      const counting: CollateralProvider = {
        intel: async (req) => {
          asked += 1;
          return world.provider.intel(req);
        },
        amd: async () => undefined,
      };
      await assert.rejects(verifyIntelQuote(world.quote, world.context({ collateral: counting })), (err: unknown) => isConfideError(err) && err.code.startsWith('ERR_EVIDENCE_'));
      assert.equal(asked, 0);
    });
  }
});
