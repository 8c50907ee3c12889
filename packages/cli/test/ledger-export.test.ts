/**
 * `confide ledger export` and `confide ledger verify` on a REAL database file written by the
 * durable writer: the export verifies; every tamper with the file (SQL with the append-only
 * triggers dropped, or a byte edit of the file) is refused with exit 2, a stable code and the
 * first bad transaction id: an edited entry, an edited entry with its digests recomputed, a
 * removed entry, reordered entries, a forged signature, another identity, and a tail cut past a
 * signature (found with a kept receipt). Usage: no identity anywhere, a malformed export.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ledgerEntryClaimsDigest } from '@confide/ledger';
import { openDurableLedgerWriter, nodeLedgerCrypto } from '@confide/server/ledger-durable';
import { openSqliteStore } from '@confide/store';
import { ledgerPki, type LedgerPki } from '@confide/test-kit/ledger-pki';
import { runInProcess } from './in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'confide-ledger-export-'));
const pristine = join(dir, 'pristine.sqlite');
let pki: LedgerPki;
let other: LedgerPki;
let identity: string;
let ids: string[];
let receipts: string[];
/** Seqnos of the signature transactions, ascending. */
let signatures: number[];

const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const seqnoOf = (id: string): number => Number(id.split('.')[1]);

/** A copy of the pristine database, changed by `edit` with the triggers dropped. */
function tampered(name: string, edit: (db: Database.Database) => void): string {
  const path = join(dir, `${name}.sqlite`);
  copyFileSync(pristine, path);
  const db = new Database(path);
  db.exec('DROP TRIGGER ledger_transactions_no_update; DROP TRIGGER ledger_transactions_no_delete');
  edit(db);
  db.close();
  return path;
}

async function exportOf(path: string, extra: string[] = [], out = `${path}.ndjson`): Promise<string> {
  const r = await runInProcess(['--json', 'ledger', 'export', out, '--store', path, ...extra]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return out;
}

async function refused(path: string, code: string, transactionId: string, extra: string[] = []): Promise<Record<string, unknown>> {
  const r = await runInProcess(['--json', 'ledger', 'verify', await exportOf(path), '--identity', identity, ...extra]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const error = JSON.parse(r.stdout).error;
  assert.equal(error.code, code, r.stdout);
  assert.equal(error.details.transactionId, transactionId, r.stdout);
  return error.details;
}

before(async () => {
  [pki, other] = await Promise.all([ledgerPki(), ledgerPki()]);
  identity = file('identity.pem', pki.identity.pem);
  const store = openSqliteStore(pristine);
  const w = await openDurableLedgerWriter({ store, signer: pki.signer, interval: { count: 8, ms: 60_000 } });
  ids = [];
  for (let i = 0; i < 40; i++) ids.push(await w.append(`entry number ${String(i).padStart(2, '0')}`, i % 4 ? 'subledger:0' : 'audit'));
  await w.flush();
  receipts = await Promise.all(ids.map(async (id, i) => file(`receipt-${i}.json`, JSON.stringify(await w.receipt(id)))));
  w.close();
  await store.close();
  const db = new Database(pristine, { readonly: true });
  signatures = (db.prepare("SELECT seqno FROM ledger_transactions WHERE kind = 'signature' ORDER BY seqno").all() as { seqno: number }[]).map((r) => r.seqno);
  db.close();
  assert.ok(signatures.length >= 5, 'several signature transactions');
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('confide ledger export / verify', () => {
  it('an untouched database exports and verifies, against the given or the embedded identity', async () => {
    const plain = await exportOf(pristine);
    const header = JSON.parse(readFileSync(plain, 'utf8').split('\n')[0]!);
    assert.deepEqual([header.format, header.version, header.view, header.serviceIdentity], ['confide-ledger-export', 1, 2, null]);
    const r = await runInProcess(['--json', 'ledger', 'verify', plain, '--identity', identity, '--receipt', receipts[0]!, receipts[39]!]);
    assert.equal(r.code, 0, r.stdout);
    const report = JSON.parse(r.stdout);
    assert.equal(report.transactions, 40 + signatures.length);
    assert.equal(report.entries, 40);
    assert.equal(report.signatures, signatures.length);
    assert.equal(report.unsignedEntries, 0);
    assert.equal(report.receiptsChecked, 2);
    assert.deepEqual([report.identity.source, report.identity.embedded], ['given', 'absent']);
    assert.equal(report.lastSignature.transactionId, `2.${signatures.at(-1)}`);

    const embedded = await exportOf(pristine, ['--identity', identity], join(dir, 'embedded.ndjson'));
    const human = await runInProcess(['ledger', 'verify', embedded]);
    assert.equal(human.code, 0, human.stdout);
    assert.match(human.stdout, /service identity: the export's own, sha256 [0-9a-f]{64}: not pinned/);
    const none = await runInProcess(['--json', 'ledger', 'verify', plain]);
    assert.equal(none.code, 1);
    assert.equal(JSON.parse(none.stdout).error.code, 'ERR_USAGE');
  });

  it('an edited entry: ERR_LEDGER_TX_ALTERED at that entry', async () => {
    const seqno = seqnoOf(ids[2]!);
    const path = tampered('edited', (db) => {
      const row = db.prepare('SELECT body FROM ledger_transactions WHERE seqno = ?').get(seqno) as { body: string };
      db.prepare('UPDATE ledger_transactions SET body = ? WHERE seqno = ?').run(row.body.replace('entry number 02', 'entry number 99'), seqno);
    });
    assert.equal((await refused(path, 'ERR_LEDGER_TX_ALTERED', ids[2]!)).reason, 'write-set');
  });

  it('a byte edited in the database file itself: ERR_LEDGER_TX_ALTERED at that entry', async () => {
    const path = join(dir, 'bytes.sqlite');
    const bytes = readFileSync(pristine);
    // Every copy (a page rewritten as the B-tree grew may leave an old copy in a free page).
    let edits = 0;
    for (let at = bytes.indexOf('entry number 07'); at >= 0; at = bytes.indexOf('entry number 07', at + 1), edits++) bytes[at + 'entry number 0'.length] = '8'.charCodeAt(0);
    assert.ok(edits > 0, 'the contents are in the file');
    writeFileSync(path, bytes);
    await refused(path, 'ERR_LEDGER_TX_ALTERED', ids[7]!);
  });

  it('an entry edited with its digests recomputed: ERR_LEDGER_ROOT_MISMATCH at the signature covering it', async () => {
    const seqno = seqnoOf(ids[10]!);
    const c = nodeLedgerCrypto();
    const path = tampered('recomputed', (db) => {
      const row = db.prepare('SELECT body FROM ledger_transactions WHERE seqno = ?').get(seqno) as { body: string };
      const body = JSON.parse(row.body) as { collectionId: string; contents: string; secretKey: string };
      body.contents = 'forged contents';
      const writeSet = Buffer.from(c.sha256(Buffer.from(JSON.stringify([body.collectionId, body.contents])))).toString('hex');
      const claims = Buffer.from(ledgerEntryClaimsDigest(Buffer.from(body.secretKey, 'base64'), body.collectionId, body.contents, c) as Uint8Array).toString('hex');
      db.prepare('UPDATE ledger_transactions SET body = ?, write_set_digest = ?, claims_digest = ? WHERE seqno = ?').run(JSON.stringify(body), writeSet, claims, seqno);
    });
    const covering = signatures.find((s) => s > seqno)!;
    assert.equal((await refused(path, 'ERR_LEDGER_ROOT_MISMATCH', `2.${covering}`)).reason, 'root');
  });

  it('a removed entry: ERR_LEDGER_TX_OUT_OF_SEQUENCE at its id', async () => {
    const seqno = seqnoOf(ids[4]!);
    const path = tampered('removed', (db) => db.prepare('DELETE FROM ledger_transactions WHERE seqno = ?').run(seqno));
    await refused(path, 'ERR_LEDGER_TX_OUT_OF_SEQUENCE', ids[4]!);
  });

  it('two entries swapped: ERR_LEDGER_TX_OUT_OF_SEQUENCE at the first', async () => {
    const [a, b] = [seqnoOf(ids[5]!), seqnoOf(ids[6]!)];
    const path = tampered('reordered', (db) => {
      db.prepare('UPDATE ledger_transactions SET seqno = 1000000 WHERE seqno = ?').run(a);
      db.prepare('UPDATE ledger_transactions SET seqno = ? WHERE seqno = ?').run(a, b);
      db.prepare('UPDATE ledger_transactions SET seqno = ? WHERE seqno = 1000000').run(b);
    });
    await refused(path, 'ERR_LEDGER_TX_OUT_OF_SEQUENCE', ids[5]!);
  });

  it('a signature replaced by one of another key: ERR_LEDGER_SIGNATURE_INVALID there', async () => {
    const seqno = signatures[1]!;
    const c = nodeLedgerCrypto();
    const path = tampered('forged', () => undefined);
    // The forged signature is made outside the edit (signing is async), then written with its write-set digest.
    const db = new Database(path);
    const row = db.prepare('SELECT body FROM ledger_transactions WHERE seqno = ?').get(seqno) as { body: string };
    const signed = JSON.parse(row.body) as { treeSize: number; rootPreimage: string; signature: string; cert: string };
    signed.signature = Buffer.from(await other.signer.sign(Buffer.from(signed.rootPreimage, 'hex'))).toString('base64');
    const writeSet = Buffer.from(c.sha256(Buffer.concat([Buffer.from(`${signed.treeSize}:`), Buffer.from(signed.rootPreimage, 'hex'), Buffer.from(signed.signature)]))).toString('hex');
    db.prepare('UPDATE ledger_transactions SET body = ?, write_set_digest = ? WHERE seqno = ?').run(JSON.stringify(signed), writeSet, seqno);
    db.close();
    assert.equal((await refused(path, 'ERR_LEDGER_SIGNATURE_INVALID', `2.${seqno}`)).reason, 'signature');
  });

  it('under another service identity: ERR_LEDGER_SIGNATURE_INVALID (endorsement) at the first signature', async () => {
    const r = await runInProcess(['--json', 'ledger', 'verify', await exportOf(pristine), '--identity', file('other.pem', other.identity.pem)]);
    assert.equal(r.code, 2);
    const error = JSON.parse(r.stdout).error;
    assert.deepEqual([error.code, error.details.transactionId, error.details.reason], ['ERR_LEDGER_SIGNATURE_INVALID', `2.${signatures[0]}`, 'endorsement']);
  });

  it('a tail cut past a signature: a shorter ledger by itself, ERR_LEDGER_TRUNCATED with a kept receipt', async () => {
    const cut = signatures.at(-2)!;
    const path = tampered('truncated', (db) => db.prepare('DELETE FROM ledger_transactions WHERE seqno >= ?').run(cut));
    // Without evidence from outside, a cut tail is a valid shorter ledger: verify says it has no receipts to check.
    const alone = await runInProcess(['ledger', 'verify', await exportOf(path), '--identity', identity]);
    assert.equal(alone.code, 0, alone.stdout);
    assert.match(alone.stdout, /no kept receipts given/);
    // An entry still present, whose covering signature was cut:
    const kept = ids.findIndex((id) => seqnoOf(id) < cut && seqnoOf(id) > signatures.at(-3)!);
    const details = await refused(path, 'ERR_LEDGER_TRUNCATED', `2.${cut}`, ['--receipt', receipts[kept]!]);
    assert.equal(details.receipt, ids[kept]);
    // An entry cut with the tail:
    await refused(path, 'ERR_LEDGER_TRUNCATED', `2.${cut}`, ['--receipt', receipts[39]!]);
  });

  it('a malformed export is ERR_LEDGER_EXPORT_MALFORMED naming the line', async () => {
    const lines = readFileSync(await exportOf(pristine), 'utf8').split('\n');
    const header = JSON.parse(lines[0]!);
    const cases: [string, number][] = [
      [[JSON.stringify({ ...header, transactions: header.transactions + 1 }), ...lines.slice(1)].join('\n'), lines.length - 1],
      [[lines[0], lines[1]!.replace('"seqno"', '"seq"'), ...lines.slice(2)].join('\n'), 2],
      [[JSON.stringify({ ...header, format: 'other' }), ...lines.slice(1)].join('\n'), 1],
    ];
    for (const [text, line] of cases) {
      const r = await runInProcess(['--json', 'ledger', 'verify', file('malformed.ndjson', text), '--identity', identity]);
      assert.equal(r.code, 2, r.stdout);
      const error = JSON.parse(r.stdout).error;
      assert.deepEqual([error.code, error.details.line], ['ERR_LEDGER_EXPORT_MALFORMED', line]);
    }
  });

  it('export refuses a database that does not exist instead of creating one', async () => {
    const r = await runInProcess(['--json', 'ledger', 'export', join(dir, 'x.ndjson'), '--store', join(dir, 'absent.sqlite')]);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).error.code, 'ERR_INPUT_UNREADABLE');
  });
});
