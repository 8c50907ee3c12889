/**
 * Receipts from real Confidential Ledger instances, published as test data by the Azure SDK for
 * Python (the source is named in the fixture): they verify against their service certificates,
 * not against each other's, and a changed byte fails.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { rejectsWithCode } from '@confide/test-kit/assert';
import { verifyReceipt } from '../src/index.js';

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/azure-sdk-receipts.json', import.meta.url), 'utf8')) as { cases: { serviceIdentity: string; receipt: any }[] };

describe('published Confidential Ledger receipts', () => {
  it('verify against their service identity (expired certificates are not a receipt failure, as in CCF)', async () => {
    const ids = [];
    for (const c of fixture.cases) {
      const got = await verifyReceipt({ receipt: c.receipt }, { serviceIdentity: c.serviceIdentity });
      assert.equal(got.nodeId, c.receipt.nodeId);
      ids.push(got.transactionId);
    }
    assert.deepEqual(ids, ['2.35', '16.7415']);
  });

  it('fail against the other service, and with a proof step changed', async () => {
    const [a, b] = fixture.cases;
    await rejectsWithCode(verifyReceipt(a!.receipt, { serviceIdentity: b!.serviceIdentity }), 'ERR_LEDGER_ENDORSEMENT_INVALID');
    const changed = structuredClone(a!.receipt);
    changed.proof[1].left = changed.proof[1].left.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    await rejectsWithCode(verifyReceipt(changed, { serviceIdentity: a!.serviceIdentity }), 'ERR_LEDGER_RECEIPT_INVALID', { reason: 'signature' });
  });
});
