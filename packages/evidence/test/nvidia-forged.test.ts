/**
 * NVIDIA reports signed by a test PKI standing in for NVIDIA's: the cases no real vector
 * covers. A single-bit flip anywhere in the report, its signature or a certificate is refused;
 * another nonce, another FWID or a foreign root is refused with its code; expiry is a claim;
 * a time-bounded fuzz of the parsers throws nothing but ConfideError.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock, isConfideError, type ErrorCode } from '@confide/core';
import {
  claimsOf,
  detectEvidence,
  emptyCollateral,
  parseNvidiaEvidence,
  parseNvidiaEvidenceList,
  verifyEvidence,
  verifyNvidiaEvidenceList,
  VerifyCache,
  type VerifyContext,
} from '../src/index.js';
import { NVIDIA_TEST_NOW, flipBit, forgeReport, issueLeaf, nvidiaTestPki, prng, type NvidiaTestPki, type ReportSpec, type TestCert } from '@confide/test-kit/nvidia-pki';

const enc = new TextEncoder();
const NONCE = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
const FWID = Uint8Array.from({ length: 48 }, (_, i) => 0xf0 ^ i);

function spec(extra: Partial<ReportSpec> = {}): ReportSpec {
  return {
    nonce: NONCE,
    measurements: [1, 2, 3, 4].map((n) => new Uint8Array(48).fill(n)),
    opaque: [
      [6, Uint8Array.of(0x00, 0x9f, 0x00, 0x96, 0x01, 0x00, 0x00, 0x00)], // VBIOS 96.00.9f.00.01
      [3, enc.encode('550.90.07\0')], // driver
      [12, Uint8Array.of(1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)], // measurement counts
      [20, FWID],
    ],
    ...extra,
  };
}

interface World {
  pki: NvidiaTestPki;
  leaf: TestCert;
  report: Uint8Array;
  chain: Uint8Array[];
}

let world: World;
// One cache for the file: verdicts are kept by the exact bytes, so a flipped byte always misses.
const cache = new VerifyCache();

function ctx(extra: Partial<VerifyContext> = {}): VerifyContext {
  return {
    clock: fixedClock(NVIDIA_TEST_NOW),
    collateral: emptyCollateral,
    trustAnchors: { nvidiaRoots: [world.pki.root.der] },
    deviceCertificates: world.chain,
    expectedNonce: NONCE,
    cache,
    ...extra,
  };
}

async function code(p: Promise<unknown>): Promise<ErrorCode | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (isConfideError(err)) return err.code;
    throw err;
  }
}

const REFUSALS: ReadonlySet<string> = new Set([
  'ERR_EVIDENCE_MALFORMED',
  'ERR_EVIDENCE_UNSUPPORTED',
  'ERR_EVIDENCE_SIGNATURE_INVALID',
  'ERR_EVIDENCE_CHAIN_INVALID',
  'ERR_EVIDENCE_UNTRUSTED_ROOT',
  'ERR_EVIDENCE_BINDING_MISMATCH',
]);

before(async () => {
  const pki = await nvidiaTestPki();
  const leaf = await issueLeaf(pki, { fwid: FWID });
  world = { pki, leaf, report: await forgeReport(leaf, spec()), chain: [leaf.der, pki.ica.der, pki.root.der] };
});

describe('NVIDIA reports under a test PKI', () => {
  it('a well-formed report verifies with its claims; without the test root it is ERR_EVIDENCE_UNTRUSTED_ROOT', async () => {
    const claims = claimsOf(await verifyEvidence(world.report, {}, ctx()), 'nvidia');
    assert.equal(claims.nvidia.driverVersion, '550.90.07');
    assert.equal(claims.nvidia.vbiosVersion, '96.00.9f.00.01');
    assert.deepEqual(claims.nvidia.measurementCount, { '1': 1, '2': 2, '3': 0, '4': 1 });
    assert.deepEqual(claims.nvidia.measurements, { '1': '01'.repeat(48), '2': '02'.repeat(48), '3': '03'.repeat(48), '4': '04'.repeat(48) });
    assert.equal(claims.nvidia.device, 'gpu');
    const pinnedOnly: Partial<VerifyContext> = {};
    const { trustAnchors: _drop, ...rest } = ctx(pinnedOnly);
    assert.equal(await code(verifyEvidence(world.report, {}, rest)), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  });

  it('every single-bit flip in the signed transcript or the signature is refused', async () => {
    const outcomes = new Map<string, number>();
    for (let offset = 0; offset < world.report.length; offset++) {
      const flipped = flipBit(world.report, offset, offset % 8);
      const got = await code(verifyEvidence(flipped, { tee: 'nvidia' }, ctx()));
      assert.ok(REFUSALS.has(got), `flip at ${offset}: ${got}`);
      outcomes.set(got, (outcomes.get(got) ?? 0) + 1);
      // Where the structure survives, only the signature can tell: the measurement values and the signature itself.
      if (offset >= world.report.length - 96) assert.equal(got, 'ERR_EVIDENCE_SIGNATURE_INVALID', `signature flip at ${offset}`);
    }
    assert.ok((outcomes.get('ERR_EVIDENCE_SIGNATURE_INVALID') ?? 0) > world.report.length / 2);
  });

  it('a flipped measurement value or response nonce is ERR_EVIDENCE_SIGNATURE_INVALID, a flipped request nonce too', async () => {
    const firstValue = 37 + 8 + 4 + 3;
    for (const offset of [firstValue, firstValue + 47, 4, 35]) {
      assert.equal(await code(verifyEvidence(flipBit(world.report, offset, 3), {}, ctx({ expectedNonce: undefined }))), 'ERR_EVIDENCE_SIGNATURE_INVALID', `offset ${offset}`);
    }
  });

  it('every single-bit flip in a certificate of the chain is refused', async () => {
    for (const [which, der] of world.chain.entries()) {
      // Every 7th byte keeps the run short; every position class of the DER is still hit.
      for (let offset = which; offset < der.length; offset += 7) {
        const chain = world.chain.map((d, i) => (i === which ? flipBit(d, offset, offset % 8) : d));
        const got = await code(verifyEvidence(world.report, {}, ctx({ deviceCertificates: chain })));
        assert.ok(REFUSALS.has(got), `certificate ${which}, flip at ${offset}: ${got}`);
      }
      // The signature value ends the certificate: a flip there is a bad signature.
      const chain = world.chain.map((d, i) => (i === which ? flipBit(d, d.length - 2) : d));
      assert.equal(await code(verifyEvidence(world.report, {}, ctx({ deviceCertificates: chain }))), 'ERR_EVIDENCE_SIGNATURE_INVALID', `certificate ${which}`);
    }
  });

  it('another nonce, or one of another length, is ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    const other = NONCE.slice();
    other[17]! ^= 0x10;
    assert.equal(await code(verifyEvidence(world.report, {}, ctx({ expectedNonce: other }))), 'ERR_EVIDENCE_BINDING_MISMATCH');
    assert.equal(await code(verifyEvidence(world.report, {}, ctx({ expectedNonce: NONCE.subarray(0, 31) }))), 'ERR_EVIDENCE_BINDING_MISMATCH');
    assert.equal(await code(verifyEvidence(world.report, {}, ctx({ expectedNonce: undefined, expectedReportData: other.subarray(0, 20) }))), 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('a leaf issued for another FWID, or for none, is ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    for (const leaf of [await issueLeaf(world.pki, { fwid: new Uint8Array(48).fill(7) }), await issueLeaf(world.pki)]) {
      const report = await forgeReport(leaf, spec());
      assert.equal(await code(verifyEvidence(report, {}, ctx({ deviceCertificates: [leaf.der, world.pki.ica.der, world.pki.root.der] }))), 'ERR_EVIDENCE_BINDING_MISMATCH');
    }
  });

  it('a chain signed by a foreign root with NVIDIA names is ERR_EVIDENCE_UNTRUSTED_ROOT', async () => {
    const foreign = await nvidiaTestPki();
    const leaf = await issueLeaf(foreign, { fwid: FWID });
    const report = await forgeReport(leaf, spec());
    assert.equal(await code(verifyEvidence(report, {}, ctx({ deviceCertificates: [leaf.der, foreign.ica.der, foreign.root.der] }))), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
    // The foreign root swapped for the trusted one: the link no longer verifies.
    assert.equal(await code(verifyEvidence(report, {}, ctx({ deviceCertificates: [leaf.der, foreign.ica.der, world.pki.root.der] }))), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    // The intermediate left out: the names do not link.
    assert.equal(await code(verifyEvidence(world.report, {}, ctx({ deviceCertificates: [world.leaf.der, world.pki.root.der] }))), 'ERR_EVIDENCE_CHAIN_INVALID');
  });

  it('an expired leaf is a claim, not a failure', async () => {
    const leaf = await issueLeaf(world.pki, { fwid: FWID, notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2025-01-01T00:00:00Z') });
    const report = await forgeReport(leaf, spec());
    const claims = claimsOf(await verifyEvidence(report, {}, ctx({ deviceCertificates: [leaf.der, world.pki.ica.der, world.pki.root.der] })), 'nvidia');
    assert.equal(claims.collateralExpired, true);
    assert.deepEqual(claims.expiredCollateral, ['cert:GH100 A01 GSP FMC LF']);
  });

  it('a byte after the signature, or one short of it, is ERR_EVIDENCE_MALFORMED', async () => {
    const longer = await forgeReport(world.leaf, spec({ trailing: Uint8Array.of(0) }));
    assert.equal(await code(verifyEvidence(longer, { tee: 'nvidia' }, ctx())), 'ERR_EVIDENCE_MALFORMED');
    assert.equal(await code(verifyEvidence(world.report.subarray(0, -1), { tee: 'nvidia' }, ctx())), 'ERR_EVIDENCE_MALFORMED');
  });

  it('a batch names the failing device by its index', async () => {
    const entry = (report: Uint8Array) => ({
      evidence: Buffer.from(report).toString('base64'),
      certificate: Buffer.from(world.chain.map((d) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(d).toString('base64')}\n-----END CERTIFICATE-----\n`).join('')).toString('base64'),
      arch: 'HOPPER',
    });
    const good = entry(world.report);
    const bad = entry(flipBit(world.report, world.report.length - 10));
    const list = enc.encode(JSON.stringify([good, good, bad]));
    assert.equal(detectEvidence(list).format, 'nvidia-evidence-list');
    await assert.rejects(verifyNvidiaEvidenceList(list, ctx({ deviceCertificates: undefined })), (err) => isConfideError(err, 'ERR_EVIDENCE_SIGNATURE_INVALID') && err.details?.['index'] === 2);
    assert.equal((await verifyNvidiaEvidenceList(enc.encode(JSON.stringify([good, good])), ctx({ deviceCertificates: undefined }))).length, 2);
    assert.throws(() => parseNvidiaEvidenceList(enc.encode(JSON.stringify([good, { evidence: 'AAAA' }]))), (err) => isConfideError(err, 'ERR_EVIDENCE_MALFORMED') && err.details?.['index'] === 1);
    assert.throws(() => parseNvidiaEvidenceList(enc.encode('[]')), (err) => isConfideError(err, 'ERR_EVIDENCE_MALFORMED'));
  });

  it('fuzz: random mutations of reports and JSON throw only ConfideError from the parsers (bounded time)', () => {
    const next = prng(0x6e76);
    const entryJson = enc.encode(JSON.stringify({ evidence: Buffer.from(world.report).toString('base64'), certificate: Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----').toString('base64') }));
    const seeds = [world.report, entryJson];
    const deadline = Date.now() + 1500;
    let runs = 0;
    while (Date.now() < deadline) {
      const seed = seeds[runs % seeds.length]!;
      const bytes = Uint8Array.from(seed);
      const edits = 1 + (next() % 8);
      for (let e = 0; e < edits; e++) bytes[next() % bytes.length] = next() & 0xff;
      const cut = next() % 4 === 0 ? bytes.subarray(0, next() % (bytes.length + 1)) : bytes;
      for (const parse of [parseNvidiaEvidence, detectEvidence]) {
        try {
          parse(cut);
        } catch (err) {
          assert.ok(isConfideError(err), `run ${runs}: ${String(err)}`);
        }
      }
      runs++;
    }
    assert.ok(runs > 100, `only ${runs} runs`);
  });
});
