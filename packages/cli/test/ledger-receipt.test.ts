/**
 * `confide ledger receipt verify` in process, on the real receipts the Azure SDK for Python
 * publishes (packages/ledger/test/fixtures): verified, refused when changed or under another
 * identity (exit 2 with the ledger's code), usage errors exit 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from './in-process.js';

const fixture = JSON.parse(readFileSync(new URL('../../../ledger/test/fixtures/azure-sdk-receipts.json', import.meta.url), 'utf8')) as { cases: { serviceIdentity: string; receipt: Record<string, any> }[] };
const dir = mkdtempSync(join(tmpdir(), 'confide-ledger-cli-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const [a, b] = fixture.cases;
const receipt = file('receipt.json', JSON.stringify({ receipt: a!.receipt, state: 'Ready', transactionId: '2.35' }));
const identity = file('identity.pem', a!.serviceIdentity);
const otherIdentity = file('other.pem', b!.serviceIdentity);

test('verifies a published receipt against its service identity', async () => {
  const r = await runInProcess(['--json', 'ledger', 'receipt', 'verify', receipt, '--identity', identity]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.transactionId, '2.35');
  assert.equal(out.nodeId, a!.receipt.nodeId);
  const human = await runInProcess(['ledger', 'receipt', 'verify', receipt, '--identity', identity]);
  assert.match(human.stdout, /^Receipt verified: transaction 2\.35, root [0-9a-f]{64}\n/);
});

test('refuses a changed receipt and another identity with exit 2 and the code', async () => {
  const changed = structuredClone(a!.receipt);
  changed.leafComponents.writeSetDigest = changed.leafComponents.writeSetDigest.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
  const cases: [string, string, string][] = [
    [file('changed.json', JSON.stringify(changed)), identity, 'ERR_LEDGER_RECEIPT_INVALID'],
    [receipt, otherIdentity, 'ERR_LEDGER_ENDORSEMENT_INVALID'],
    [file('malformed.json', JSON.stringify({ ...a!.receipt, proof: [{ left: 'x' }] })), identity, 'ERR_LEDGER_RECEIPT_MALFORMED'],
  ];
  for (const [r, id, code] of cases) {
    const run = await runInProcess(['--json', 'ledger', 'receipt', 'verify', r, '--identity', id]);
    assert.equal(run.code, 2, run.stdout);
    assert.equal(JSON.parse(run.stdout).error.code, code);
  }
});

test('usage: a missing --identity or an unreadable one exits 1', async () => {
  const missing = await runInProcess(['--json', 'ledger', 'receipt', 'verify', receipt]);
  assert.equal(missing.code, 1);
  assert.equal(JSON.parse(missing.stdout).error.code, 'ERR_USAGE');
  const unreadable = await runInProcess(['--json', 'ledger', 'receipt', 'verify', receipt, '--identity', file('junk.pem', 'no certificate here')]);
  assert.equal(unreadable.code, 1);
  assert.equal(JSON.parse(unreadable.stdout).error.code, 'ERR_INPUT_UNREADABLE');
});
