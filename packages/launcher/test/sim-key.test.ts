import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, isConfideError, type ErrorCode } from '@confide/core';
import { emptyCollateral, simPublicKeyFromPem, verifyEvidence } from '@confide/evidence';
import { loadSimulationKey, simulateQuote, simulationKeyPath } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'confide-sim-key-'));
const AT = new Date('2026-02-01T00:00:00Z');

async function rejects(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isConfideError(err), `not a ConfideError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

test('sim key: created at first use (0600 private, public PEM beside it), reused afterwards', async () => {
  const dir = join(root, 'first');
  const a = await loadSimulationKey(dir, { create: true });
  assert.equal(a.created, true);
  assert.equal(a.path, join(dir, 'sim', 'simulation-key.pem'));
  assert.equal(a.path, simulationKeyPath(dir));
  assert.equal(statSync(a.path).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'sim')).mode & 0o777, 0o700);
  assert.match(readFileSync(a.path, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  assert.equal(readFileSync(a.publicKeyPath, 'utf8'), a.publicKeyPem);
  assert.deepEqual(simPublicKeyFromPem(a.publicKeyPem), a.spki);
  assert.equal(a.keyId, createHash('sha256').update(a.spki).digest('hex'));

  const b = await loadSimulationKey(dir, { create: true });
  const c = await loadSimulationKey(dir);
  assert.equal(b.created, false);
  assert.equal(b.keyId, a.keyId);
  assert.equal(c.keyId, a.keyId);
});

test('sim key: concurrent first uses agree on one key', async () => {
  const dir = join(root, 'race');
  const keys = await Promise.all(Array.from({ length: 6 }, () => loadSimulationKey(dir, { create: true })));
  assert.equal(new Set(keys.map((k) => k.keyId)).size, 1);
  assert.equal(keys.filter((k) => k.created).length, 1);
});

test('sim key: absent without create is ERR_INPUT_UNREADABLE; a broken file is ERR_DATA_DIR_UNUSABLE', async () => {
  await rejects(loadSimulationKey(join(root, 'absent')), 'ERR_INPUT_UNREADABLE');
  const broken = join(root, 'broken');
  mkdirSync(join(broken, 'sim'), { recursive: true });
  writeFileSync(join(broken, 'sim', 'simulation-key.pem'), 'not a key\n');
  await rejects(loadSimulationKey(broken, { create: true }), 'ERR_DATA_DIR_UNUSABLE');
});

test('sim key: simulateQuote evidence verifies with the exported public key', async () => {
  const key = await loadSimulationKey(join(root, 'quote'), { create: true });
  const evidence = await simulateQuote(key, {
    measurement: new Uint8Array(32).fill(0x11),
    reportData: new Uint8Array([1, 2, 3]),
    svn: 3,
    issuedAt: new Date('2026-01-31T23:00:00Z'),
  });
  const pub = simPublicKeyFromPem(readFileSync(key.publicKeyPath, 'utf8'));
  const claims = await verifyEvidence(evidence, {}, { clock: fixedClock(AT), collateral: emptyCollateral, simulationKeys: [pub] });
  assert.equal(claims.tee, 'sim');
  assert.equal(claims.measurement, '11'.repeat(32));
  assert.equal(claims.svn, 3);
  assert.equal(claims.reportData, '010203' + '00'.repeat(61));
  assert.deepEqual(claims.sim, { issuedAt: '2026-01-31T23:00:00.000Z', keyId: key.keyId });
  const other = await loadSimulationKey(join(root, 'other'), { create: true });
  await rejects(
    verifyEvidence(evidence, {}, { clock: fixedClock(AT), collateral: emptyCollateral, simulationKeys: [other.publicKey] }),
    'ERR_EVIDENCE_UNTRUSTED_ROOT',
  );
});
