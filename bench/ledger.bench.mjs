/**
 * The ledger in process (no HTTP): durable appends per second through the writer with group
 * commit on a SQLite file (node:crypto hashing, the WAL fsynced before a commit is answered), beside the
 * store's raw durable-write rate as the floor (group commit of rows of the same size, batched by
 * setImmediate, one durable write at a time, no hashing, no tree); receipts per second from a ledger of
 * committed entries; receipt verifications per second beside the floor of the two signature
 * checks a receipt needs (the node's ECDSA P-256 over the root, the identity's P-384 over the
 * node certificate). CPU per operation for each. Goal (issue 9): 50,000 durable appends/s.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers';
import { toBase64 } from '@confide/core';
import { createEndorsementCache, DEFAULT_COLLECTION, parseServiceIdentity, verifyReceipt } from '@confide/ledger';
import { nodeLedgerCrypto, openDurableLedgerWriter } from '@confide/server';
import { cpuPerOp } from './lib/cpu-per-op.mjs';
import { ecdsaDerToRaw, pemCertificates, signedObject } from './lib/der.mjs';
import { ecdsaCheck, floorImpl, p256Key, p384Key } from './lib/floor.mjs';
import { describeError, measureWork } from './lib/harness.mjs';
import { ledgerPki, tempStores } from './lib/ledger-setup.mjs';
import { printTable } from './lib/table.mjs';

const TITLE = 'Ledger in process: durable appends (group commit, SQLite file), receipts, receipt verification';
const PEER = { reason: 'none: CCF and the Azure Confidential Ledger are not npm libraries; CCF publishes about 50,000 tx/s' };
const APPEND_LEVELS = [256, 4096];
const CONTENTS = JSON.stringify({ event: 'attestation.token', hash: 'a'.repeat(64), claimsDigest: 'b'.repeat(64) });
const INTERVAL = { count: 5000, ms: 1000 };
const CPU_OPS = 20_000;

/** The floor: the writer's group commit without the ledger: rows of the writer's size, batched the same way (setImmediate, 10,000 at most), one durable write at a time. */
function rawDurableWrites(store) {
  const random = nodeLedgerCrypto().randomBytes;
  const body = JSON.stringify({ collectionId: DEFAULT_COLLECTION, contents: CONTENTS, secretKey: toBase64(random(32)) });
  const hex = Buffer.from(random(32)).toString('hex');
  let seqno = 0;
  let queue = [];
  let writing = false;
  const kick = () => {
    if (writing || queue.length === 0) return;
    writing = true;
    setImmediate(() => {
      const batch = queue.splice(0, 10_000);
      store.ledgerTransactions.append(batch.map((b) => b.row)).then(
        () => {
          writing = false;
          for (const b of batch) b.resolve();
          kick();
        },
        (err) => {
          for (const b of batch) b.reject(err);
        },
      );
    });
  };
  return () =>
    new Promise((resolve, reject) => {
      seqno += 1;
      queue.push({ row: { seqno, kind: 'entry', body, commitEvidence: `ce:2.${seqno}:${hex}`, writeSetDigest: hex, claimsDigest: hex }, resolve, reject });
      kick();
    });
}

async function appendRows(pki, stores, notes) {
  const writer = await openDurableLedgerWriter({ store: stores.open(), signer: pki.signer, interval: INTERVAL });
  const ours = () => writer.append(CONTENTS);
  const floor = rawDurableWrites(stores.open());
  const rows = await measureWork('durable append', { ours: { op: ours }, peer: PEER, floor: { op: floor } }, APPEND_LEVELS);
  const oursCpu = await cpuPerOp(ours, { ops: CPU_OPS, inFlight: 1024 });
  const floorCpu = await cpuPerOp(floor, { ops: CPU_OPS, inFlight: 1024 });
  notes.push(`durable append: CPU ${(oursCpu * 1000).toFixed(1)} µs per append (ours) vs ${(floorCpu * 1000).toFixed(1)} µs per row (floor), ${(oursCpu / floorCpu).toFixed(2)}×, 1024 in flight; one core's worth of CPU would give ${Math.round(1000 / oursCpu).toLocaleString('en-US')} appends/s`);
  await writer.flush();
  writer.close();
  return { rows, writer };
}

async function receiptRows(pki, writer, notes) {
  const ids = [];
  for (let i = 0; i < 2000; i++) ids.push(writer.append(`receipt entry ${i}`));
  const committed = await Promise.all(ids);
  await writer.flush();
  let i = 0;
  const ours = async () => {
    const doc = await writer.receipt(committed[i++ % committed.length]);
    if (!doc) throw new Error('no receipt for a committed entry');
  };
  const rows = await measureWork('receipt', { ours: { op: ours }, peer: PEER, floor: { reason: 'none: a receipt is a Merkle path read from the tree; no signature is made' } });
  const cpu = await cpuPerOp(ours, { ops: CPU_OPS, inFlight: 16 });
  notes.push(`receipt: CPU ${(cpu * 1000).toFixed(1)} µs per receipt (a tree of ${writer.size.toLocaleString('en-US')} transactions)`);

  const docs = await Promise.all(committed.slice(0, 64).map((id) => writer.receipt(id)));
  const identity = pki.identity.pem;
  // A relying party parses the identity it trusts once, as the floor imports its keys once.
  const serviceIdentity = parseServiceIdentity(identity);
  let j = 0;
  const verify = async () => {
    await verifyReceipt(docs[j++ % docs.length], { serviceIdentity });
  };
  // A relying party checking many receipts of one ledger keeps the node certificates it found endorsed,
  // and on Node hashes with node:crypto (WebCrypto's digest is a thread-pool round trip per call).
  const endorsed = createEndorsementCache();
  const hashes = nodeLedgerCrypto();
  const verifyCached = async () => {
    await verifyReceipt(docs[j++ % docs.length], { serviceIdentity, endorsed, hashes });
  };
  // The floor: the two signature checks a receipt needs, made with keys imported once.
  const [nodeDer] = pemCertificates(pki.node.pem);
  const [identityDer] = pemCertificates(identity);
  const nodeCert = signedObject(nodeDer);
  const doc = docs[0];
  const preimage = await rootPreimageOf(doc);
  const checks = [
    ecdsaCheck('node signature over the root', p256Key(nodeCert.spki, 'spki'), 'SHA-256', ecdsaDerToRaw(Buffer.from(doc.receipt.signature, 'base64'), 32), preimage),
    ecdsaCheck('identity over the node certificate', p384Key(signedObject(identityDer).spki), 'SHA-384', ecdsaDerToRaw(nodeCert.signature, 48), nodeCert.tbs),
  ];
  const floor = await floorImpl(checks);
  rows.push(...(await measureWork('receipt verification', { ours: { op: verify }, peer: PEER, floor })));
  rows.push(...(await measureWork('receipt verification, endorsement cache, node:crypto hashes', { ours: { op: verifyCached }, peer: PEER, floor })));
  const vCpu = await cpuPerOp(verify, { ops: 2000, inFlight: 16 });
  const cCpu = await cpuPerOp(verifyCached, { ops: 2000, inFlight: 16 });
  const fCpu = floor.op ? await cpuPerOp(floor.op, { ops: 2000, inFlight: 16 }) : NaN;
  notes.push(`receipt verification: CPU ${(vCpu * 1000).toFixed(1)} µs per verification (ours) vs ${(fCpu * 1000).toFixed(1)} µs (floor: ECDSA P-256/SHA-256 + ECDSA P-384/SHA-384), ${(vCpu / fCpu).toFixed(2)}×; with the endorsement cache and node:crypto hashes ${(cCpu * 1000).toFixed(1)} µs, ${(cCpu / fCpu).toFixed(2)}× (a node certificate endorsed before is not checked again: one of the floor's two signatures)`);
  return rows;
}

/** The bytes the node signed: the fold of the receipt's proof, as CCF's verifier computes it. */
async function rootPreimageOf(doc) {
  const h = (b) => createHash('sha256').update(b).digest();
  const c = doc.receipt.leafComponents;
  let preimage = Buffer.concat([Buffer.from(c.writeSetDigest, 'hex'), h(c.commitEvidence), Buffer.from(c.claimsDigest, 'hex')]);
  for (const step of doc.receipt.proof) {
    const cur = h(preimage);
    preimage = 'left' in step ? Buffer.concat([Buffer.from(step.left, 'hex'), cur]) : Buffer.concat([cur, Buffer.from(step.right, 'hex')]);
  }
  return preimage;
}

export async function main() {
  const pki = await ledgerPki();
  const stores = tempStores();
  const rows = [];
  const notes = [];
  try {
    const { rows: appends, writer } = await appendRows(pki, stores, notes);
    rows.push(...appends);
    rows.push(...(await receiptRows(pki, writer, notes)));
  } catch (err) {
    rows.push({ work: 'setup', concurrency: 0, ours: { note: describeError(err) } });
  } finally {
    await stores.cleanup();
  }
  printTable({
    title: TITLE,
    peerName: 'peer',
    rows,
    notes: [
      `durable append: ours = LedgerWriter on the SQLite store (openDurableLedgerWriter: node:crypto SHA-256/HMAC, setImmediate group commit, ledger commits WAL-synced after each commit (on libuv's pool; a batch of 16 rows or fewer on the event loop while syncs are fast), a batch of 512 rows or more committed on the store's commit thread while an earlier batch's sync is out, each answered once its fdatasync returned, a signature transaction every ${INTERVAL.count} entries or ${INTERVAL.ms} ms), each append answered once its write is durable; ${APPEND_LEVELS.join(' and ')} appends in flight`,
      'durable append floor: the store alone, the same group commit of rows of the writer\'s size (through the same WAL-synced commits; one write at a time, so on the store\'s connection), no hashing and no tree',
      'goal (issue 9): 50,000 durable appends/s in process',
      ...notes,
    ],
  });
}

await main();
