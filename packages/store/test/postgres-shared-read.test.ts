/**
 * Reads that concurrent callers share (postgres/shared-read.ts, used for the attestation policy
 * that every attestation reads). What must hold: a caller is never answered by a read that went
 * out before it asked, so a change committed before the call is always seen; callers that ask
 * while a read is out share one next read; a failure reaches only the callers of its read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedReads } from '../src/postgres/shared-read.js';
import { openFresh, server } from './postgres-fixture.js';

/** A read whose answers the test gives by hand; `sent` lists the keys in the order their reads went out. */
function manualRead(): { read: (key: string) => Promise<string>; sent: string[]; answer: (i: number, value: string) => void; fail: (i: number, err: Error) => void } {
  const sent: string[] = [];
  const settle: Array<{ resolve: (v: string) => void; reject: (e: Error) => void }> = [];
  return {
    sent,
    read: (key) =>
      new Promise<string>((resolve, reject) => {
        sent.push(key);
        settle.push({ resolve, reject });
      }),
    answer: (i, value) => settle[i]!.resolve(value),
    fail: (i, err) => settle[i]!.reject(err),
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('shared reads: the first goes out at once; callers while it is out share the next, sent after it is answered', async () => {
  const m = manualRead();
  const get = sharedReads(m.read);
  const first = get('a');
  assert.deepEqual(m.sent, ['a'], 'no wait when nothing is out');
  const later = [get('a'), get('a'), get('a')];
  assert.deepEqual(m.sent, ['a'], 'the later callers do not take the read that went out before they asked');
  m.answer(0, 'v0');
  assert.equal(await first, 'v0');
  await turn();
  assert.deepEqual(m.sent, ['a', 'a'], 'one read for the three that waited');
  m.answer(1, 'v1');
  assert.deepEqual(await Promise.all(later), ['v1', 'v1', 'v1']);
  await turn();
  get('a');
  assert.deepEqual(m.sent, ['a', 'a', 'a'], 'once all is answered, a new caller goes out at once');
});

test('shared reads: keys do not share; a failure reaches its own callers only, and the next read still goes', async () => {
  const m = manualRead();
  const get = sharedReads(m.read);
  const a0 = get('a');
  const b0 = get('b');
  assert.deepEqual(m.sent, ['a', 'b']);
  const a1 = get('a');
  m.fail(0, new Error('connection lost'));
  await assert.rejects(a0, /connection lost/);
  await turn();
  assert.deepEqual(m.sent, ['a', 'b', 'a']);
  m.answer(2, 'a-after');
  m.answer(1, 'b0');
  assert.equal(await a1, 'a-after');
  assert.equal(await b0, 'b0');
});

test('PostgreSQL policies: a get that starts after a put returned sees it, while other gets keep reads out', { skip: server.skip }, async () => {
  const store = await openFresh();
  try {
    let busy = true;
    // Background readers keep a read of the same type out nearly all the time.
    const background = Array.from({ length: 4 }, async () => {
      while (busy) await store.policies.get('SgxEnclave');
    });
    for (let i = 0; i < 40; i++) {
      const text = `version=1.0; authorizationrules { => permit(); }; // ${i}`;
      await store.policies.put({ type: 'SgxEnclave', text, jws: `h.p${i}.`, signer: null, setAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() });
      const seen = await Promise.all(Array.from({ length: 6 }, () => store.policies.get('SgxEnclave')));
      for (const row of seen) assert.equal(row?.text, text, `round ${i}: a read made after the put`);
    }
    busy = false;
    await Promise.all(background);
  } finally {
    await store.close();
  }
});
