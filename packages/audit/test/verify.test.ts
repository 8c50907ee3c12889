/** verifyAuditLog on logs made here with WebCrypto: plain chains, and logs across a start-over (audit.epoch). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { AUDIT_EPOCH_TYPE, verifyAuditLog, type AuditEntry } from '../src/index.js';
import { append, newKey, startedOver, text } from './helpers.js';

async function rejectsAt(p: Promise<unknown>, seq: number, reason: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isConfideError(err, 'ERR_AUDIT_LOG_INVALID'), String(err));
    assert.equal(err.details?.seq, seq);
    assert.equal(err.details?.reason, reason);
    return true;
  });
}

test('a log without epochs verifies under its key and reports no epochs', async () => {
  const a = await newKey();
  const log: AuditEntry[] = [];
  for (const t of ['manifest.set', 'secret.write', 'marble.activate']) await append(log, a, t);
  const out = await verifyAuditLog(text(log), a.jwk);
  assert.deepEqual({ ...out, epochs: out.epochs.length }, { count: 3, headSeq: 3, headHash: log[2]!.hash, epochs: 0 });
  await rejectsAt(verifyAuditLog(text(log), (await newKey()).jwk), 1, 'signature');
});

test('across a start-over the newest key verifies every entry, older parts under the key the epoch names', async () => {
  const { b, log } = await startedOver();
  const out = await verifyAuditLog(text(log), b.jwk);
  assert.equal(out.count, 5);
  assert.deepEqual(out.epochs.map((e) => ({ seq: e.seq, x: e.publicKeyJwk.x })), [{ seq: 3, x: b.jwk.x }]);
});

test('the old key does not verify past the epoch: a pinned key learns that the coordinator started over', async () => {
  const { a, log } = await startedOver();
  await rejectsAt(verifyAuditLog(text(log), a.jwk), 3, 'key');
});

test('an epoch appended by someone holding only the store (own key) fails under the coordinator key', async () => {
  const { b, log } = await startedOver();
  const mallory = await newKey();
  await append(log, mallory, AUDIT_EPOCH_TYPE, { epoch: 2, publicKeyJwk: mallory.jwk, previousPublicKeyJwk: b.jwk });
  await append(log, mallory, 'manifest.set', {});
  await rejectsAt(verifyAuditLog(text(log), b.jwk), 6, 'key');
  // With Mallory's key, the entries she appended verify: the reported epoch is what a reader must check against the coordinator's key.
  const out = await verifyAuditLog(text(log), mallory.jwk);
  assert.deepEqual(out.epochs.map((e) => e.seq), [3, 6]);
});

test('an epoch that lies about the previous key fails at the first older entry (signature)', async () => {
  const [a, b, other] = [await newKey(), await newKey(), await newKey()];
  const log: AuditEntry[] = [];
  await append(log, a, 'manifest.set');
  await append(log, b, AUDIT_EPOCH_TYPE, { epoch: 1, publicKeyJwk: b.jwk, previousPublicKeyJwk: other.jwk });
  await rejectsAt(verifyAuditLog(text(log), b.jwk), 1, 'signature');
});

test('entries before an epoch that names no previous key cannot be checked (key)', async () => {
  const [a, b] = [await newKey(), await newKey()];
  const log: AuditEntry[] = [];
  await append(log, a, 'manifest.set');
  await append(log, b, AUDIT_EPOCH_TYPE, { epoch: 1, publicKeyJwk: b.jwk, previousPublicKeyJwk: null });
  await rejectsAt(verifyAuditLog(text(log), b.jwk), 1, 'key');
  // An epoch first in the log needs no previous key.
  const fresh: AuditEntry[] = [];
  await append(fresh, b, AUDIT_EPOCH_TYPE, { epoch: 1, publicKeyJwk: b.jwk, previousPublicKeyJwk: null });
  await append(fresh, b, 'manifest.set');
  assert.equal((await verifyAuditLog(text(fresh), b.jwk)).count, 2);
});

test('an edited epoch entry breaks the log at the first entry its forged previous key would cover', async () => {
  const { b, log } = await startedOver();
  const other = await newKey();
  (log[2]!.details as Record<string, unknown>).previousPublicKeyJwk = other.jwk;
  await rejectsAt(verifyAuditLog(text(log), b.jwk), 1, 'signature');
});

test('the package source uses no Node APIs and imports only @confide/core (a browser can run it)', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  // Compiled to dist/test: the sources are two folders up.
  const files = readdirSync(new URL('../../src/', import.meta.url)).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 4, 'found the sources');
  for (const file of files) {
    const text = readFileSync(new URL(`../../src/${file}`, import.meta.url), 'utf8');
    for (const [, spec] of text.matchAll(/from '([^']+)'/g)) assert.ok(spec === '@confide/core' || spec!.startsWith('./'), `${file} imports ${spec}`);
    assert.doesNotMatch(text, /\bBuffer\b|\bprocess\.|node:/, file);
  }
});

test('a continuation verifies only the entries after a head verified before, to the same head as the whole log', async () => {
  const a = await newKey();
  const log: AuditEntry[] = [];
  for (const t of ['manifest.set', 'secret.write', 'marble.activate', 'marble.activate', 'update.manifest']) await append(log, a, t);
  const first = await verifyAuditLog(text(log.slice(0, 3)), a.jwk);
  const rest = await verifyAuditLog(text(log.slice(3)), a.jwk, { after: { seq: first.headSeq, hash: first.headHash } });
  const whole = await verifyAuditLog(text(log), a.jwk);
  assert.deepEqual({ ...rest, epochs: rest.epochs.length }, { count: 2, headSeq: 5, headHash: whole.headHash, epochs: 0 });
  // Nothing new: the head stays.
  assert.deepEqual(await verifyAuditLog('', a.jwk, { after: { seq: 5, hash: whole.headHash } }), { count: 0, headSeq: 5, headHash: whole.headHash, epochs: [] });
  // Not continuing that head: another hash before it, a gap, another key.
  await rejectsAt(verifyAuditLog(text(log.slice(3)), a.jwk, { after: { seq: 3, hash: log[1]!.hash } }), 4, 'chain');
  await rejectsAt(verifyAuditLog(text(log.slice(4)), a.jwk, { after: { seq: 3, hash: first.headHash } }), 4, 'sequence');
  await rejectsAt(verifyAuditLog(text(log.slice(3)), (await newKey()).jwk, { after: { seq: 3, hash: first.headHash } }), 4, 'signature');
});

test('a continuation across a start-over: the entries before its epoch must be under the key that verified the head', async () => {
  const { a, b, log } = await startedOver();
  const head = await verifyAuditLog(text(log.slice(0, 2)), a.jwk);
  const rest = await verifyAuditLog(text(log.slice(2)), b.jwk, { after: { seq: 2, hash: head.headHash, publicKey: a.jwk } });
  assert.deepEqual([rest.headSeq, rest.epochs.map((e) => e.seq)], [5, [3]]);
  // The head was verified under another key than the epoch names before it: refused at the first new entry.
  const c = await newKey();
  const forged: AuditEntry[] = log.slice(0, 2);
  await append(forged, c, AUDIT_EPOCH_TYPE, { epoch: 1, publicKeyJwk: c.jwk, previousPublicKeyJwk: c.jwk });
  await rejectsAt(verifyAuditLog(text(forged.slice(2)), c.jwk, { after: { seq: 2, hash: head.headHash, publicKey: a.jwk } }), 3, 'key');
  // Without an epoch, the new entries must be under the head's key.
  await rejectsAt(verifyAuditLog(text(log.slice(3)), b.jwk, { after: { seq: 3, hash: log[2]!.hash, publicKey: a.jwk } }), 4, 'key');
});
