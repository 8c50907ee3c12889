import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TransactionDigests } from '../src/writer/transaction-digests.js';

const filled = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i * 7 + seed) & 0xff);

it('TransactionDigests keeps each seqno\'s secret and digests across growth, digests zero until set, set in any order', () => {
  const d = new TransactionDigests();
  const n = 100;
  for (let seqno = 1; seqno <= n; seqno++) d.push(filled(seqno, 1));
  assert.equal(d.length, n);
  assert.deepEqual(d.writeSetDigest(n), new Uint8Array(32), 'zero until set');
  // Set from the last to the first: each lands at its own seqno, whatever the buffer grew to.
  for (let seqno = n; seqno >= 1; seqno--) if (seqno % 3 !== 0) d.set(seqno, filled(seqno, 2), filled(seqno, 3));
  for (let seqno = 1; seqno <= n; seqno++) {
    assert.deepEqual(d.secret(seqno), filled(seqno, 1), `secret ${seqno}`);
    assert.deepEqual(d.writeSetDigest(seqno), seqno % 3 ? filled(seqno, 2) : new Uint8Array(32), `write set ${seqno}`);
    assert.deepEqual(d.claimsDigest(seqno), seqno % 3 ? filled(seqno, 3) : new Uint8Array(32), `claims ${seqno}`);
  }
});

it('TransactionDigests keeps digests set before the rows grew, in the writer\'s order (push one, set it, push the next)', () => {
  const d = new TransactionDigests();
  const n = 1000;
  for (let seqno = 1; seqno <= n; seqno++) {
    d.push(filled(seqno, 1));
    d.set(seqno, filled(seqno, 2), filled(seqno, 3));
  }
  for (let seqno = 1; seqno <= n; seqno++) {
    assert.deepEqual(d.secret(seqno), filled(seqno, 1), `secret ${seqno}`);
    assert.deepEqual(d.writeSetDigest(seqno), filled(seqno, 2), `write set ${seqno}`);
    assert.deepEqual(d.claimsDigest(seqno), filled(seqno, 3), `claims ${seqno}`);
  }
});
