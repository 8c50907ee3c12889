/**
 * Runtime-agnosticism of the ledger package: receipts (ours with a P-384 identity, a changed one,
 * a real published one) and a tree verified by the same suite (test/browser/suite.ts) in Node and
 * in headless Chromium give the same results. Skipped, with a message, where no Chromium exists.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { browserUnavailable, runInBrowser } from '@confide/test-kit';
import { ledgerCases, type LedgerCase } from './browser/suite.js';
import { ccfPki, receiptFor, testEntries, treeOf } from './helpers.js';

describe('ledger in headless Chromium', { skip: browserUnavailable() }, () => {
  it('verifies receipts and builds trees exactly as Node does', async () => {
    const pki = await ccfPki({ nodeKey: 'P-384' });
    const entries = await testEntries(7);
    const tree = await treeOf(entries);
    const good = await receiptFor(pki, tree, entries, 3);
    const changed = structuredClone(good);
    changed.receipt.leafComponents.writeSetDigest = '00'.repeat(32);
    const published = (JSON.parse(readFileSync(new URL('../../test/fixtures/azure-sdk-receipts.json', import.meta.url), 'utf8')) as { cases: { serviceIdentity: string; receipt: unknown }[] }).cases[0]!;
    const input: LedgerCase = { receipts: [JSON.stringify(good), JSON.stringify(changed), JSON.stringify({ receipt: published.receipt })], identity: pki.identity.pem, leaves: Array.from({ length: 9 }, () => randomBytes(32).toString('hex')) };
    const node = (await ledgerCases(input)) as { receipts: { code?: string; root?: string }[] };
    assert.equal(node.receipts[0]!.root, Buffer.from(await tree.root()).toString('hex'));
    assert.deepEqual(node.receipts.slice(1).map((r) => r.code), ['ERR_LEDGER_RECEIPT_INVALID', 'ERR_LEDGER_ENDORSEMENT_INVALID']);
    const browser = await runInBrowser<unknown>({ module: 'packages/ledger/dist/test/browser/suite.js', exportName: 'ledgerCases', input });
    assert.deepEqual(browser, node);
  });
});
