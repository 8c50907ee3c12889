/**
 * The caches of the Intel verification path (verified signatures, parsed chains, CRLs, TCB Info
 * and QE Identity) and the VerifyContext.crypto hook: a repeated quote is answered with the same
 * claims while only its own signature is checked again; a changed byte misses every cache; expiry
 * is judged at each verification's time; a failure is never remembered.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock, toHex } from '@confide/core';
import {
  parseIntelQuote,
  verifyIntelQuote,
  verifyIntelQuoteSignatures,
  type CollateralProvider,
  type IntelCollateral,
  type VerifyCrypto,
} from '../src/index.js';
import { cachedCrypto, verifyP256Recurring, webCryptoPrimitives } from '../src/webcrypto/p256.js';
import { signedTcbInfo } from '../src/intel/tcb/parsed.js';
import { intelCollateralDigests } from '../src/intel/collateral-digests.js';
import type { IntelQuote } from '../src/intel/quote-types.js';
import { createHash } from 'node:crypto';
import { verifyIssuedBy } from '../src/sev-snp/crypto.js';
import { parseAmdCertificate } from '../src/sev-snp/certificate.js';
import { forgeIntelWorld, type IntelWorld } from '@confide/test-kit/intel-pki';
import { foreignPki, productPki } from '@confide/test-kit/amd-pki';
import { p256Signer } from '@confide/test-kit/identity';
import { flipBodyByte } from './intel-tcb-fixtures.js';
import { rejectsWithCode as rejectsWith } from '@confide/test-kit/assert';

const DAY = 86_400_000;

/** WebCrypto primitives that record each signature they are asked to check (hex) and count the digests. */
function counting(): VerifyCrypto & { checked: string[]; digests: number } {
  const c = {
    checked: [] as string[],
    digests: 0,
    sha256(data: Uint8Array) {
      c.digests += 1;
      return webCryptoPrimitives.sha256(data);
    },
    verifyP256(point: Uint8Array, signature: Uint8Array, data: Uint8Array) {
      c.checked.push(toHex(signature));
      return webCryptoPrimitives.verifyP256(point, signature, data);
    },
  };
  return c;
}

function provider(collateral: IntelCollateral): CollateralProvider {
  return { intel: async () => collateral, amd: async () => undefined };
}

function quoteSignature(world: IntelWorld): string {
  return toHex(parseIntelQuote(world.rawQuote).signature);
}

describe('perf-caches: a repeated quote', () => {
  it('gets the same claims, and only its own signature and binding are checked again by the same primitives', async () => {
    const world = await forgeIntelWorld();
    const hook = counting();
    const claims1 = await verifyIntelQuote(world.quote, world.context({ crypto: hook }));
    assert.ok(hook.checked.includes(quoteSignature(world)));
    assert.ok(hook.checked.includes(world.collateral.tcbInfo.signature.toLowerCase()));
    assert.equal(hook.digests, 8, 'the QE binding, then the quote and the six collateral items of collateralDigests');

    hook.checked.length = 0;
    hook.digests = 0;
    const claims2 = await verifyIntelQuote(world.quote, world.context({ crypto: hook }));
    assert.deepEqual(claims2, claims1);
    assert.deepEqual(hook.checked, [quoteSignature(world)]);
    assert.equal(hook.digests, 2, 'the QE binding and the quote digest; the collateral digests are remembered');
  });

  it('gives the same claims through the WebCrypto default as through the hook', async () => {
    const world = await forgeIntelWorld({ tee: 'tdx', quoteVersion: 4 });
    const hooked = await verifyIntelQuote(world.quote, world.context({ crypto: counting() }));
    const plain = await verifyIntelQuote(world.quote, world.context());
    assert.deepEqual(plain, hooked);
    assert.equal(plain.tee, 'tdx');
  });
});

describe('perf-caches: a changed byte misses the cache', () => {
  it('a TCB Info body changed after it verified fails its signature', async () => {
    const world = await forgeIntelWorld();
    await verifyIntelQuote(world.quote, world.context());
    const changed = { ...world.collateral, tcbInfo: flipBodyByte(world.collateral.tcbInfo) };
    await rejectsWith(verifyIntelQuote(world.quote, world.context({ collateral: provider(changed) })), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('a QE Identity signature changed in one hex digit fails', async () => {
    const world = await forgeIntelWorld();
    await verifyIntelQuote(world.quote, world.context());
    const sig = world.collateral.qeIdentity.signature;
    const digit = sig[10] === '0' ? '1' : '0';
    const changed = { ...world.collateral, qeIdentity: { ...world.collateral.qeIdentity, signature: sig.slice(0, 10) + digit + sig.slice(11) } };
    await rejectsWith(verifyIntelQuote(world.quote, world.context({ collateral: provider(changed) })), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('the same TCB Info under another signing chain is checked under that chain key, and fails', async () => {
    const world = await forgeIntelWorld();
    await verifyIntelQuote(world.quote, world.context());
    // The PCK CA chain is a valid chain to the root, but its key did not sign the TCB Info.
    const chain = world.collateral.pckCrlIssuerChain;
    const changed = {
      ...world.collateral,
      tcbInfo: { ...world.collateral.tcbInfo, issuerChain: chain },
      qeIdentity: { ...world.collateral.qeIdentity, issuerChain: chain },
    };
    await rejectsWith(verifyIntelQuote(world.quote, world.context({ collateral: provider(changed) })), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('a PCK CRL changed in place (same object) is parsed and checked again, and passes once restored', async () => {
    const world = await forgeIntelWorld();
    await verifyIntelQuote(world.quote, world.context());
    const crl = world.collateral.pckCrl;
    const last = crl.length - 1;
    const original = crl[last]!;
    crl[last] = original ^ 0x01;
    try {
      await rejectsWith(verifyIntelQuote(world.quote, world.context()), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    } finally {
      crl[last] = original;
    }
    const claims = await verifyIntelQuote(world.quote, world.context());
    assert.equal(claims.tcbStatus, 'UpToDate');
  });

  it('verifyP256Recurring: a changed data byte, signature byte or key misses; so does the caller changing its buffer', async () => {
    const signer = await p256Signer();
    const other = await p256Signer();
    const data = crypto.getRandomValues(new Uint8Array(700));
    const signature = await signer.sign(data);
    const c = counting();
    assert.equal(await verifyP256Recurring(signer.point, signature, data, cachedCrypto({ crypto: c })), true);
    assert.equal(await verifyP256Recurring(signer.point, signature, data.slice(), cachedCrypto({ crypto: c })), true);
    assert.equal(c.checked.length, 1, 'the second check is answered from the cache');

    const changedData = data.slice();
    changedData[699] = changedData[699]! ^ 0x80;
    assert.equal(await verifyP256Recurring(signer.point, signature, changedData, cachedCrypto({ crypto: c })), false);
    const changedSig = signature.slice();
    changedSig[5] = changedSig[5]! ^ 0x01;
    assert.equal(await verifyP256Recurring(signer.point, changedSig, data, cachedCrypto({ crypto: c })), false);
    assert.equal(await verifyP256Recurring(other.point, signature, data, cachedCrypto({ crypto: c })), false);
    assert.equal(c.checked.length, 4);

    data[0] = data[0]! ^ 0xff; // the caller reuses its buffer
    assert.equal(await verifyP256Recurring(signer.point, signature, data, cachedCrypto({ crypto: c })), false);
    assert.equal(c.checked.length, 5);
  });
});

describe('perf-caches: expiry is judged at each verification time', () => {
  it('cached collateral past its nextUpdate is reported expired, and not once back in time', async () => {
    const world = await forgeIntelWorld();
    const late = counting();
    const now = await verifyIntelQuote(world.quote, world.context({ crypto: late }));
    assert.equal(now.collateralExpired, false);

    late.checked.length = 0;
    const later = await verifyIntelQuote(world.quote, world.context({ clock: fixedClock(new Date(world.at.getTime() + 100 * DAY)), crypto: late }));
    assert.deepEqual(late.checked, [quoteSignature(world)], 'everything but the quote signature came from the caches');
    assert.equal(later.collateralExpired, true);
    assert.deepEqual(later.expiredCollateral, ['pckCrl', 'tcbInfo', 'qeIdentity']);
    assert.equal(later.tcbStatus, now.tcbStatus);

    const back = await verifyIntelQuote(world.quote, world.context());
    assert.deepEqual(back, now);
  });

  it('a PCK certificate past notAfter is reported on a cached chain', async () => {
    const world = await forgeIntelWorld({ pck: { notAfter: new Date(Date.parse('2025-06-01T12:00:00Z') + 10 * DAY) } });
    const now = await verifyIntelQuote(world.quote, world.context());
    assert.equal(now.collateralExpired, false);
    const later = await verifyIntelQuote(world.quote, world.context({ clock: fixedClock(new Date(world.at.getTime() + 11 * DAY)) }));
    assert.deepEqual(later.expiredCollateral, ['cert:Intel SGX PCK Certificate']);
  });
});

describe('perf-caches: a failure is never remembered', () => {
  it('a bad TCB Info signature is checked again on every attempt', async () => {
    const world = await forgeIntelWorld({ break: { tcbInfoSignature: true } });
    for (let i = 0; i < 2; i++) {
      const c = counting();
      await rejectsWith(verifyIntelQuote(world.quote, world.context({ crypto: c })), 'ERR_EVIDENCE_SIGNATURE_INVALID');
      assert.ok(c.checked.includes(world.collateral.tcbInfo.signature.toLowerCase()), `attempt ${i + 1} checked the signature`);
    }
  });

  it('a bad QE report signature is checked again on every attempt', async () => {
    const world = await forgeIntelWorld({ break: { qeReportSignature: true } });
    const qeSig = toHex(parseIntelQuote(world.rawQuote).qe.qeReportSignature);
    for (let i = 0; i < 2; i++) {
      const c = counting();
      await rejectsWith(verifyIntelQuote(world.quote, world.context({ crypto: c })), 'ERR_EVIDENCE_SIGNATURE_INVALID');
      assert.ok(c.checked.includes(qeSig), `attempt ${i + 1} checked the signature`);
    }
  });

  it('verifyP256Recurring: a signature that failed is checked again, and a hook that says false is not cached', async () => {
    const signer = await p256Signer();
    const data = crypto.getRandomValues(new Uint8Array(64));
    const signature = await signer.sign(data);
    let calls = 0;
    const flaky: VerifyCrypto = {
      sha256: webCryptoPrimitives.sha256,
      verifyP256: async (point, sig, bytes) => (calls++ === 0 ? false : webCryptoPrimitives.verifyP256(point, sig, bytes)),
    };
    assert.equal(await verifyP256Recurring(signer.point, signature, data, cachedCrypto({ crypto: flaky })), false);
    assert.equal(await verifyP256Recurring(signer.point, signature, data, cachedCrypto({ crypto: flaky })), true);
    assert.equal(calls, 2);
  });
});

describe('perf-caches: shared parsed values cannot be changed by a caller', () => {
  it('the parsed PCK chain and TCB Info are frozen', async () => {
    const world = await forgeIntelWorld();
    const r = await verifyIntelQuoteSignatures(world.quote, { trustAnchors: world.trustAnchors });
    assert.ok(Object.isFrozen(r.pck) && Object.isFrozen(r.pck.certs) && Object.isFrozen(r.pck.extensions.sgxTcbComponents));
    assert.throws(() => (r.pck.extensions.sgxTcbComponents as number[]).push(1), TypeError);
    const info = signedTcbInfo(world.collateral.tcbInfo.body);
    assert.ok(Object.isFrozen(info.tcbLevels[0]!.sgxComponents));
    assert.equal(signedTcbInfo(world.collateral.tcbInfo.body), info);
  });
});

describe('perf-caches: SEV-SNP certificate links', () => {
  it('a link that verified is remembered by its exact bytes; a changed byte or a foreign issuer fails', async () => {
    const pki = await productPki('Milan');
    const foreign = await foreignPki('Milan');
    const ark = parseAmdCertificate(pki.ark.der);
    const ask = parseAmdCertificate(pki.ask.der);
    assert.equal(await verifyIssuedBy(ask, ark), true);
    assert.equal(await verifyIssuedBy(ask, ark), true);
    assert.equal(await verifyIssuedBy(ask, parseAmdCertificate(foreign.ark.der)), false);
    assert.equal(await verifyIssuedBy(ask, parseAmdCertificate(foreign.ark.der)), false);
    const der = pki.ask.der.slice();
    der[der.length - 1] = der[der.length - 1]! ^ 0x01; // inside the signature: still parses
    assert.equal(await verifyIssuedBy(parseAmdCertificate(der), ark), false);
    assert.equal(await verifyIssuedBy(ask, ark), true);
  });
});

describe('perf-caches: collateral digests', () => {
  const sha256Hex = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
  const collateral = (): IntelCollateral => ({
    tcbInfo: { body: '{"id":"SGX","version":3,"ü":1}', signature: 'aa'.repeat(64), issuerChain: '-----BEGIN CERTIFICATE-----\nTCB\n-----END CERTIFICATE-----\n' },
    qeIdentity: { body: '{"id":"QE","version":2}', signature: 'bb'.repeat(64), issuerChain: '-----BEGIN CERTIFICATE-----\nQE\n-----END CERTIFICATE-----\n' },
    pckCrl: Uint8Array.of(1, 2, 3),
    pckCrlIssuerChain: 'pck chain',
    rootCaCrl: Uint8Array.of(4, 5, 6, 7),
  });
  const quote = (raw: Uint8Array) => ({ raw }) as IntelQuote;

  it('are SHA-256 of the exact inputs, and follow every change, in place too', async () => {
    const c = collateral();
    const cc = cachedCrypto({ crypto: counting() });
    const digests = () => intelCollateralDigests(quote(Uint8Array.of(9, 9, 9)), c, cc);
    assert.deepEqual(await digests(), {
      quote: sha256Hex(Uint8Array.of(9, 9, 9)),
      tcbInfo: sha256Hex(c.tcbInfo.body),
      qeIdentity: sha256Hex(c.qeIdentity.body),
      tcbInfoIssuerChain: sha256Hex(c.tcbInfo.issuerChain),
      qeIdentityIssuerChain: sha256Hex(c.qeIdentity.issuerChain),
      pckCrl: sha256Hex(c.pckCrl),
      rootCaCrl: sha256Hex(c.rootCaCrl),
    });
    c.tcbInfo = { ...c.tcbInfo, body: `${c.tcbInfo.body} ` };
    assert.equal((await digests()).tcbInfo, sha256Hex(c.tcbInfo.body));
    c.qeIdentity = { ...c.qeIdentity, issuerChain: `${c.qeIdentity.issuerChain}\n` };
    assert.equal((await digests()).qeIdentityIssuerChain, sha256Hex(c.qeIdentity.issuerChain));
    c.rootCaCrl[0] = 0xff; // the same CRL bytes changed in place
    assert.equal((await digests()).rootCaCrl, sha256Hex(Uint8Array.of(0xff, 5, 6, 7)));
    c.pckCrl[2] = 0x09;
    assert.equal((await digests()).pckCrl, sha256Hex(Uint8Array.of(1, 2, 9)));
  });
});
