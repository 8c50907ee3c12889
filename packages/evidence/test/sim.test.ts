import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixedClock, isConfideError, toBase64, toHex, utf8, type ErrorCode } from '@confide/core';
import {
  createSimEvidence,
  detectEvidence,
  emptyCollateral,
  parseSimEvidence,
  SIM_OFFSET,
  SIM_SIZE,
  simKeyId,
  simPublicKeyFromPem,
  simPublicKeyToPem,
  simVerifier,
  verifyEvidence,
  verifySimEvidence,
  type Claims,
  type SimEvidenceFields,
  type VerifyContext,
  claimsOf,
} from '../src/index.js';

const AT = new Date('2026-03-01T12:00:00.000Z');
const ISSUED = new Date('2026-03-01T11:59:58.123Z');

async function keyPair(curve: 'P-256' | 'P-384' = 'P-256'): Promise<CryptoKeyPair & { spki: Uint8Array }> {
  const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { ...pair, spki: new Uint8Array(await webcrypto.subtle.exportKey('spki', pair.publicKey)) };
}

const trusted = await keyPair();
const other = await keyPair();
const trustedId = createHash('sha256').update(trusted.spki).digest('hex');

const FIELDS: SimEvidenceFields = {
  measurement: new Uint8Array(32).map((_, i) => i + 1),
  signer: new Uint8Array(32).fill(0xab),
  productId: 0x1234,
  svn: 7,
  debug: false,
  reportData: utf8('hello'),
  issuedAt: ISSUED,
};

const EXPECTED: Claims = {
  tee: 'sim',
  debug: false,
  measurement: '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
  signer: 'ab'.repeat(32),
  productId: 0x1234,
  svn: 7,
  reportData: '68656c6c6f' + '00'.repeat(59),
  tcbStatus: 'UpToDate',
  advisoryIds: [],
  collateralExpired: false,
  expiredCollateral: [],
  verifiedAt: AT.toISOString(),
  sim: { issuedAt: ISSUED.toISOString(), keyId: trustedId },
};

function ctx(extra: Partial<VerifyContext> = {}): VerifyContext {
  return { clock: fixedClock(AT), collateral: emptyCollateral, simulationKeys: [trusted.publicKey], ...extra };
}

const good = await createSimEvidence(trusted, FIELDS);

async function rejects(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isConfideError(err), `not a ConfideError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

function flipped(bytes: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[offset]! ^= mask;
  return copy;
}

test('sim: quote then verify gives exactly the claims put in (CryptoKey and SPKI trust anchors)', async () => {
  assert.equal(good.length, 256);
  assert.deepEqual(await verifyEvidence(good, {}, ctx()), EXPECTED);
  assert.deepEqual(await verifyEvidence(good, { tee: 'sim' }, ctx({ simulationKeys: [trusted.spki] })), EXPECTED);
  assert.deepEqual(await simVerifier.verify(simVerifier.parse(good), ctx()), EXPECTED);
});

test('sim: the bytes follow the documented layout', () => {
  const dv = new DataView(good.buffer, good.byteOffset);
  assert.equal(Buffer.from(good.subarray(0, 11)).toString('latin1'), 'CONFIDE-SIM');
  assert.equal(good[0x0b], 1);
  assert.equal(toHex(good.subarray(0x0c, 0x2c)), trustedId);
  assert.equal(toHex(good.subarray(0x2c, 0x4c)), EXPECTED.measurement);
  assert.equal(toHex(good.subarray(0x4c, 0x6c)), EXPECTED.signer);
  assert.equal(dv.getUint16(0x6c, true), 0x1234);
  assert.equal(dv.getUint16(0x6e, true), 7);
  assert.equal(good[0x70], 0);
  assert.equal(toHex(good.subarray(0x71, 0x78)), '00'.repeat(7));
  assert.equal(dv.getBigUint64(0x78, true), BigInt(ISSUED.getTime()));
  assert.equal(toHex(good.subarray(0x80, 0xc0)), EXPECTED.reportData);
  assert.deepEqual([SIM_OFFSET.SIGNATURE, SIM_SIZE.SIGNED, SIM_SIZE.TOTAL], [0xc0, 0xc0, 0x100]);
});

test('sim: the signature is ECDSA P-256/SHA-256 (P1363) over every byte before it', async () => {
  const ok = await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, trusted.publicKey, good.subarray(0xc0), good.subarray(0, 0xc0));
  assert.equal(ok, true);
});

test('sim: defaults are zero signer, product 0, svn 0, zero report data; the debug flag comes back', async () => {
  const ev = await createSimEvidence(trusted, { measurement: FIELDS.measurement, debug: true, issuedAt: ISSUED });
  const claims = await verifyEvidence(ev, {}, ctx());
  assert.equal(claims.debug, true);
  assert.equal(claims.signer, '00'.repeat(32));
  assert.equal(claims.productId, 0);
  assert.equal(claims.svn, 0);
  assert.equal(claims.reportData, '00'.repeat(64));
});

test('sim: any flipped bit in the signed body is ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
  const offsets = [
    SIM_OFFSET.MEASUREMENT,
    SIM_OFFSET.MEASUREMENT + 31,
    SIM_OFFSET.SIGNER + 5,
    SIM_OFFSET.PRODUCT_ID,
    SIM_OFFSET.SVN + 1,
    SIM_OFFSET.ISSUED_AT,
    SIM_OFFSET.REPORT_DATA,
    SIM_OFFSET.REPORT_DATA + 63,
  ];
  for (const off of offsets) await rejects(verifyEvidence(flipped(good, off), {}, ctx()), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  // The debug bit is signed too.
  await rejects(verifyEvidence(flipped(good, SIM_OFFSET.FLAGS, 0x01), {}, ctx()), 'ERR_EVIDENCE_SIGNATURE_INVALID');
});

test('sim: a changed signature (r or s) is ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
  for (const off of [SIM_OFFSET.SIGNATURE, SIM_OFFSET.SIGNATURE + 40, SIM_OFFSET.SIGNATURE + 63]) {
    await rejects(verifyEvidence(flipped(good, off), {}, ctx()), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  }
  const zero = good.slice();
  zero.fill(0, SIM_OFFSET.SIGNATURE);
  await rejects(verifyEvidence(zero, {}, ctx()), 'ERR_EVIDENCE_SIGNATURE_INVALID');
});

test('sim: evidence of another simulation key is ERR_EVIDENCE_UNTRUSTED_ROOT; trusted among several keys it verifies', async () => {
  const foreign = await createSimEvidence(other, FIELDS);
  await rejects(verifyEvidence(foreign, {}, ctx()), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  const claims = await verifyEvidence(foreign, {}, ctx({ simulationKeys: [trusted.spki, other.publicKey] }));
  assert.equal(claimsOf(claims, 'sim').sim.keyId, createHash('sha256').update(other.spki).digest('hex'));
  // A changed key ID names a key nobody trusts.
  await rejects(verifyEvidence(flipped(good, SIM_OFFSET.KEY_ID), {}, ctx()), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
});

test('sim: another key claiming the trusted key ID is ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
  const forged = await createSimEvidence({ privateKey: other.privateKey, publicKey: trusted.publicKey }, FIELDS);
  assert.equal(toHex(forged.subarray(SIM_OFFSET.KEY_ID, SIM_OFFSET.KEY_ID + 32)), trustedId);
  await rejects(verifyEvidence(forged, {}, ctx()), 'ERR_EVIDENCE_SIGNATURE_INVALID');
});

test('sim: without a simulation key, evidence is ERR_EVIDENCE_UNTRUSTED_ROOT', async () => {
  await rejects(verifyEvidence(good, {}, { clock: fixedClock(AT), collateral: emptyCollateral }), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  await rejects(verifyEvidence(good, {}, ctx({ simulationKeys: [] })), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
});

test('sim: a trust anchor that is not a P-256 public key is ERR_USAGE', async () => {
  const p384 = await keyPair('P-384');
  await rejects(verifyEvidence(good, {}, ctx({ simulationKeys: [p384.publicKey] })), 'ERR_USAGE');
  await rejects(verifyEvidence(good, {}, ctx({ simulationKeys: [p384.spki] })), 'ERR_USAGE');
  await rejects(verifyEvidence(good, {}, ctx({ simulationKeys: [trusted.privateKey] })), 'ERR_USAGE');
});

test('sim: report data binding compares the leading bytes', async () => {
  assert.deepEqual(await verifyEvidence(good, {}, ctx({ expectedReportData: utf8('hello') })), EXPECTED);
  const full = Buffer.from(EXPECTED.reportData, 'hex');
  assert.deepEqual(await verifyEvidence(good, {}, ctx({ expectedReportData: new Uint8Array(full) })), EXPECTED);
  await rejects(verifyEvidence(good, {}, ctx({ expectedReportData: utf8('hellO') })), 'ERR_EVIDENCE_BINDING_MISMATCH');
  await rejects(verifyEvidence(good, {}, ctx({ expectedReportData: utf8('hello!') })), 'ERR_EVIDENCE_BINDING_MISMATCH');
  await rejects(verifyEvidence(good, {}, ctx({ expectedReportData: new Uint8Array(65) })), 'ERR_USAGE');
});

test('sim: a binding mismatch is only reported for authentic evidence', async () => {
  const tampered = flipped(good, SIM_OFFSET.REPORT_DATA);
  await rejects(verifyEvidence(tampered, {}, ctx({ expectedReportData: utf8('hello') })), 'ERR_EVIDENCE_SIGNATURE_INVALID');
});

test('sim: every truncation and trailing bytes are ERR_EVIDENCE_MALFORMED', async () => {
  for (let n = 11; n < good.length; n++) {
    await rejects(verifyEvidence(good.subarray(0, n), {}, ctx()), 'ERR_EVIDENCE_MALFORMED');
    assert.throws(() => parseSimEvidence(good.subarray(0, n)), (e: unknown) => isConfideError(e, 'ERR_EVIDENCE_MALFORMED'));
  }
  const longer = new Uint8Array(good.length + 1);
  longer.set(good);
  await rejects(verifyEvidence(longer, {}, ctx()), 'ERR_EVIDENCE_MALFORMED');
  await rejects(verifyEvidence(utf8('CONFIDE-SI'), { tee: 'sim' }, ctx()), 'ERR_EVIDENCE_MALFORMED');
});

test('sim: reserved flag bits or bytes set are ERR_EVIDENCE_MALFORMED; another version is ERR_EVIDENCE_UNSUPPORTED', async () => {
  await rejects(verifyEvidence(flipped(good, SIM_OFFSET.FLAGS, 0x80), {}, ctx()), 'ERR_EVIDENCE_MALFORMED');
  await rejects(verifyEvidence(flipped(good, SIM_OFFSET.RESERVED + 3), {}, ctx()), 'ERR_EVIDENCE_MALFORMED');
  await rejects(verifyEvidence(flipped(good, SIM_OFFSET.VERSION, 0x03), {}, ctx()), 'ERR_EVIDENCE_UNSUPPORTED');
});

test('sim: detect() recognises binary, hex and base64 simulated evidence', () => {
  const inputs: [Uint8Array, 'binary' | 'hex' | 'base64'][] = [
    [good, 'binary'],
    [utf8(toHex(good)), 'hex'],
    [utf8(`0x${toHex(good).toUpperCase()}\n`), 'hex'],
    [utf8(toBase64(good)), 'base64'],
  ];
  for (const [input, encoding] of inputs) {
    const d = detectEvidence(input);
    assert.deepEqual([d.tee, d.format, d.encoding, d.supported], ['sim', 'confide-sim', encoding, true]);
    assert.deepEqual(d.bytes, good);
  }
});

test('sim: hex and base64 copies verify the same; naming another TEE is ERR_EVIDENCE_UNSUPPORTED', async () => {
  assert.deepEqual(await verifyEvidence(utf8(toHex(good)), {}, ctx()), EXPECTED);
  assert.deepEqual(await verifyEvidence(utf8(toBase64(good)), {}, ctx()), EXPECTED);
  await rejects(verifyEvidence(good, { tee: 'sgx' }, ctx()), 'ERR_EVIDENCE_UNSUPPORTED');
});

test('sim: createSimEvidence refuses fields of the wrong size or range with ERR_USAGE', async () => {
  const bad: SimEvidenceFields[] = [
    { measurement: new Uint8Array(31) },
    { measurement: new Uint8Array(32), signer: new Uint8Array(33) },
    { measurement: new Uint8Array(32), reportData: new Uint8Array(65) },
    { measurement: new Uint8Array(32), productId: 0x10000 },
    { measurement: new Uint8Array(32), svn: -1 },
    { measurement: new Uint8Array(32), svn: 1.5 },
    { measurement: new Uint8Array(32), issuedAt: new Date(-1) },
  ];
  for (const fields of bad) await rejects(createSimEvidence(trusted, fields), 'ERR_USAGE');
  const p384 = await keyPair('P-384');
  await rejects(createSimEvidence(p384, { measurement: new Uint8Array(32) }), 'ERR_USAGE');
});

test('sim: the key ID is SHA-256 of the SPKI; PEM round trip keeps the SPKI', async () => {
  assert.equal(await simKeyId(trusted.publicKey), trustedId);
  assert.equal(await simKeyId(trusted.spki), trustedId);
  const pem = simPublicKeyToPem(trusted.spki);
  assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
  assert.deepEqual(simPublicKeyFromPem(pem), trusted.spki);
  assert.throws(() => simPublicKeyFromPem('nope'), (e: unknown) => isConfideError(e, 'ERR_INPUT_UNREADABLE'));
});

test('sim: verifySimEvidence runs on a parsed view and names the key ID it used', async () => {
  const claims = await verifySimEvidence(parseSimEvidence(good), ctx());
  assert.deepEqual(claims.sim, { issuedAt: ISSUED.toISOString(), keyId: trustedId });
});

test('sim: docs/simulated-tee.md gives the same offsets and sizes as SIM_OFFSET', () => {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
  const doc = readFileSync(join(repo, 'docs', 'simulated-tee.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| (0x[0-9a-f]+) \| (\d+) \| ([a-zA-Z ]+) \|/gm)].map((m) => ({
    offset: Number(m[1]),
    size: Number(m[2]),
    key: m[3]!.trim().toUpperCase().replace(/ /g, '_'),
  }));
  assert.deepEqual(
    rows.map((r) => [r.key, r.offset]),
    Object.entries(SIM_OFFSET),
  );
  for (let i = 0; i < rows.length; i++) assert.equal(rows[i]!.offset + rows[i]!.size, rows[i + 1]?.offset ?? SIM_SIZE.TOTAL, rows[i]!.key);
});
