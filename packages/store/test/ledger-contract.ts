/**
 * The ledger's part of the storage contract: transactions land only at the next seqno, a batch
 * lands whole or not at all, concurrent writers never leave a gap or a twin, and the engine
 * refuses UPDATE and DELETE even from SQL that bypasses the repository (checked per engine).
 */
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { storeTest } from './store-test.js';
import type { LedgerTransactionRow, Store } from '../src/index.js';

export function ledgerRow(seqno: number, kind: LedgerTransactionRow['kind'] = 'entry'): LedgerTransactionRow {
  const hex = seqno.toString(16).padStart(64, '0');
  return { seqno, kind, body: JSON.stringify({ seqno }), commitEvidence: `ce:2.${seqno}:${hex}`, writeSetDigest: hex, claimsDigest: '0'.repeat(64) };
}

const isConflict = (err: unknown): boolean => isConfideError(err, 'ERR_STORE_CONFLICT');

export function ledgerContract(engine: string, open: () => Promise<Store>, options: { skip?: string } = {}): void {
  const t = storeTest(engine, open, options);

  t('ledger transactions: append in order, in batches, read back ranges as stored', async (store) => {
    assert.equal(await store.ledgerTransactions.head(), 0);
    await store.ledgerTransactions.append([ledgerRow(1)]);
    await store.ledgerTransactions.append([ledgerRow(2), ledgerRow(3, 'signature'), ledgerRow(4)]);
    assert.equal(await store.ledgerTransactions.head(), 4);
    assert.deepEqual(await store.ledgerTransactions.range(2, 3), [ledgerRow(2), ledgerRow(3, 'signature')]);
    assert.deepEqual((await store.ledgerTransactions.range(1, 99)).map((r) => r.seqno), [1, 2, 3, 4]);
  });

  t('ledger transactions: a gap, a repeat or a batch with a bad row is refused whole', async (store) => {
    await assert.rejects(store.ledgerTransactions.append([ledgerRow(2)]), isConflict, 'a gap at the start');
    await assert.rejects(store.ledgerTransactions.append([ledgerRow(0)]), isConflict, 'seqno 0');
    await store.ledgerTransactions.append([ledgerRow(1)]);
    await assert.rejects(store.ledgerTransactions.append([ledgerRow(1)]), isConflict, 'the same seqno again');
    await assert.rejects(store.ledgerTransactions.append([ledgerRow(2), ledgerRow(4)]), isConflict, 'a gap inside a batch');
    assert.equal(await store.ledgerTransactions.head(), 1, 'nothing of the refused batch landed');
  });

  t('ledger transactions: racing writers that retry on conflict leave no gap and no twin', async (store) => {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let done = 0; done < 5; ) {
          try {
            await store.tx(async (repos) => {
              const head = await repos.ledgerTransactions.head();
              await repos.ledgerTransactions.append([ledgerRow(head + 1), ledgerRow(head + 2)]);
            });
            done++;
          } catch (err) {
            if (!isConflict(err)) throw err;
          }
        }
      }),
    );
    const rows = await store.ledgerTransactions.range(1, 1000);
    assert.deepEqual(rows.map((r) => r.seqno), Array.from({ length: 80 }, (_, i) => i + 1));
  });

  t('ledger identity: written once; a second put changes nothing', async (store) => {
    assert.equal(await store.ledgerIdentity.get(), undefined);
    const row = { serviceCertificate: 'S', sealedServiceKey: new Uint8Array([1, 2]), nodeCertificate: 'N', sealedNodeKey: new Uint8Array([3]), createdAt: '2026-01-01T00:00:00.000Z' };
    assert.equal(await store.ledgerIdentity.put(row), true);
    assert.equal(await store.ledgerIdentity.put({ ...row, serviceCertificate: 'other' }), false);
    assert.deepEqual(await store.ledgerIdentity.get(), row);
  });

  t('ledger users: put replaces the role, count by role, delete says whether one went', async (store) => {
    await store.ledgerUsers.put({ userId: 'a', role: 'Reader' });
    await store.ledgerUsers.put({ userId: 'a', role: 'Administrator' });
    await store.ledgerUsers.put({ userId: 'b', role: 'Administrator' });
    assert.deepEqual(await store.ledgerUsers.get('a'), { userId: 'a', role: 'Administrator' });
    assert.equal(await store.ledgerUsers.count('Administrator'), 2);
    assert.equal(await store.ledgerUsers.count('Reader'), 0);
    assert.equal(await store.ledgerUsers.delete('a'), true);
    assert.equal(await store.ledgerUsers.delete('a'), false);
    assert.equal(await store.ledgerUsers.get('a'), undefined);
    await assert.rejects(store.ledgerUsers.put({ userId: 'c', role: 'Owner' as never }));
  });
}
