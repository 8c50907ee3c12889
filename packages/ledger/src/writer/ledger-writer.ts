/**
 * The signing side of the ledger: entries get CCF transaction ids in one view, leaves as CCF builds
 * them (a write-set digest, commit evidence with a per-entry secret, the LedgerEntryV1 claims
 * digest under a per-entry key), and signature transactions at an interval (count or
 * milliseconds). A signature transaction signs the root over every transaction before it and is
 * itself the next leaf, as in CCF; the entries it covers become Committed and get receipts.
 *
 * With a persistence port the writer is durable, by group commit: transactions enter the tree in
 * seqno order and wait in a queue; a durable write takes everything queued (up to `maxBatch`), so
 * appends that arrive while a write is in flight share the next one, and every append (and every
 * signature transaction) is answered only once the write holding it, and every write before it,
 * resolved. A persistence that applies writes in order may take more than one at a time
 * (`writesInFlight`): a big enough next batch is then prepared and sent while the previous one is
 * written (`minEarlyBatch`).
 * Reads see only what is durable. `LedgerWriter.open` restores the tree, seqnos, signatures and
 * entries from storage, checking each stored transaction as it replays.
 */
import { toBase64, toHex } from '@confide/core';
import { LEDGER_ENTRY_V1 } from '../claims/application-claims.js';
import { parseCcfCertificate } from '../certificates/ccf-certificate.js';
import { LedgerError } from '../errors.js';
import { commitEvidenceSecret, formatCommitEvidence, formatTransactionId, parseTransactionId } from '../leaf/commit-evidence.js';
import { leafHashOf, leafPreimageOf } from '../leaf/leaf.js';
import { then } from '../merkle/maybe.js';
import { sha256, webHashes, type LedgerHashes } from '../merkle/hash.js';
import { MerkleTree } from '../merkle/tree.js';
import { LedgerReplay } from '../replay/replay.js';
import type { SignedRoot } from '../signed-root/signed-root.js';
import { entryLeafHasher, type EntryLeafHasher } from './entry-leaf.js';
import type { LedgerPersistence } from './persistence.js';
import { entryDigests, signatureWriteSetDigest, toRecord, ZERO_DIGEST, type EntryBody, type HeldTransaction } from './records.js';
import { TransactionDigests } from './transaction-digests.js';
import type { LedgerCrypto, LedgerEntry, NodeSigner, SignatureInterval, TransactionStatus } from './types.js';

export const DEFAULT_COLLECTION = 'subledger:0';
/** Stored transactions read per query while restoring. */
const RESTORE_CHUNK = 10_000;

export interface LedgerWriterOptions {
  signer: NodeSigner;
  interval: SignatureInterval;
  /** CCF's view; default 2, as a fresh Confidential Ledger answers. */
  view?: number;
  /** Random bytes: commit secrets and entry keys (default `crypto.randomBytes`, else WebCrypto's). */
  random?: (n: number) => Uint8Array;
  /** Synchronous SHA-256, HMAC and random bytes (node:crypto on Node); default WebCrypto. */
  crypto?: LedgerCrypto;
  /** Where transactions are made durable; without it the writer holds them in memory only. */
  persistence?: LedgerPersistence;
  /**
   * Runs a durable write after the callbacks already due (Node: setImmediate, so a write takes every
   * append that arrived with the same I/O); default setTimeout(fn, 0).
   */
  defer?: (fn: () => void) => void;
  /** The most transactions one durable write takes (default 10,000). */
  maxBatch?: number;
  /**
   * With a persistence that takes more than one write at a time: the fewest transactions a write
   * sent while another is out carries (default 8). Fewer wait for a write out to finish and share
   * the next one (one sync for all of them, as group commit intends); more go at once, so their
   * sync overlaps the one out instead of waiting for it. A batch of twice as many or more, taken
   * while a further write could go, is split in two, so groups of appends take turns. The default
   * is measured (docs/benchmarks.md, "Ledger appends over HTTPS"): with 16 appends in flight over
   * HTTPS they arrive a few per turn of the event loop; waiting for a batch of 64 meant one sync at
   * a time, every append waiting for the one out and then its own, and 4 meant more syncs, each
   * costing the kernel and the event loop more than the wait for a batch of 8 costs.
   */
  minEarlyBatch?: number;
  /** Milliseconds now, for commitLag() (default Date.now). */
  now?: () => number;
}

/** How far commitment trails durability (the commit lag metric). */
export interface CommitLag {
  /** Durable entries no durable signature transaction covers yet: Pending. */
  pending: number;
  /** When the oldest pending entry became durable (ms, the writer's clock; for a restored ledger, when it was opened); undefined when none is. */
  pendingSinceMs: number | undefined;
}

/** A durable write out: its transactions, and whether it resolved (it is answered once every write before it did too). */
interface Write {
  batch: Slot[];
  done: boolean;
}

/**
 * A transaction (its digests and commit evidence are in TransactionDigests): on its way, its leaf
 * until it enters the tree and who waits for it to be durable; every field is set when it is made,
 * so slots share one shape and carry no property store of their own.
 */
interface Slot {
  seqno: number;
  entry: EntryBody | undefined;
  signed: SignedRoot | undefined;
  leaf: Uint8Array | undefined;
  answer: { resolve: (id: string) => void; reject: (err: unknown) => void } | undefined;
  /** A reserved signature transaction: 'waiting' for the leaves before it, then 'signing'. */
  signature: 'waiting' | 'signing' | undefined;
}

export class LedgerWriter {
  readonly #tree: MerkleTree;
  /** By seqno - 1: every transaction given a seqno, durable or not. */
  readonly #txs: Slot[] = [];
  /** By seqno, as #txs: each transaction's digests and commit evidence secret. */
  readonly #digests = new TransactionDigests();
  /** Durable signed roots in order; each covers `treeSize` transactions. */
  #signatures: SignedRoot[] = [];
  readonly #options: LedgerWriterOptions & { view: number };
  readonly #hashes: LedgerHashes;
  /** An entry's digests and leaf in one scratch buffer, when the injected crypto can hash into one. */
  readonly #entryLeaf: EntryLeafHasher | undefined;
  readonly #random: (n: number) => Uint8Array;
  readonly #defer: (fn: () => void) => void;
  readonly #maxBatch: number;
  /** Transactions in the tree; the next one waits for its leaf. */
  #treed = 0;
  /** Transactions durable (and answered). */
  #durable = 0;
  /** In the tree, waiting for the next durable write. */
  #unwritten: Slot[] = [];
  /** Durable writes out, oldest first; answered strictly in this order. */
  readonly #writes: Write[] = [];
  /** How many writes may be out at once (the persistence's writesInFlight). */
  readonly #writesInFlight: number;
  readonly #minEarlyBatch: number;
  /** A deferred take of the next batch is due. */
  #taking = false;
  #failed: LedgerError | undefined;
  #lastSignatureSeqno = 0;
  #lastSignatureDone: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #open: boolean;
  readonly #opening: Promise<void>;
  /** SHA-256 of each node certificate's SPKI: the nodeId receipts carry. */
  readonly #nodeIds = new Map<string, Promise<Uint8Array>>();
  /** Each collection's durable entry seqnos, ascending, in the order the collections first appeared. */
  readonly #collections = new Map<string, number[]>();
  /** When the oldest pending entry became durable (see commitLag). */
  #pendingSince: number | undefined;

  constructor(options: LedgerWriterOptions) {
    this.#options = { view: 2, ...options };
    this.#hashes = options.crypto ?? webHashes;
    this.#entryLeaf = options.crypto ? entryLeafHasher(options.crypto) : undefined;
    this.#random = options.random ?? options.crypto?.randomBytes ?? ((n) => crypto.getRandomValues(new Uint8Array(n)));
    this.#defer = options.defer ?? ((fn) => void setTimeout(fn, 0));
    this.#maxBatch = options.maxBatch ?? 10_000;
    this.#writesInFlight = Math.max(1, Math.floor(options.persistence?.writesInFlight ?? 1));
    this.#minEarlyBatch = Math.max(1, options.minEarlyBatch ?? 8);
    this.#tree = new MerkleTree(options.crypto ? { sha256: options.crypto.sha256, sha256Into: options.crypto.sha256Into } : {});
    parseCcfCertificate(options.signer.certPem, 'signer.certPem');
    this.#open = !options.persistence;
    this.#opening = options.persistence ? this.#restore(options.persistence) : Promise.resolve();
    // Callers see a failed restore through open() or their first call; this keeps it from being unhandled.
    this.#opening.catch(() => undefined);
  }

  /**
   * A writer restored from `options.persistence` (or empty without one). Throws what restoring
   * finds: ERR_LEDGER_TX_OUT_OF_SEQUENCE, ERR_LEDGER_TX_ALTERED, ERR_LEDGER_ROOT_MISMATCH, and the
   * storage's errors.
   */
  static async open(options: LedgerWriterOptions): Promise<LedgerWriter> {
    const writer = new LedgerWriter(options);
    await writer.#opening;
    return writer;
  }

  /**
   * Appends an entry; resolves to its transaction id once it is durable (Pending until a signature
   * covers it). Throws ERR_LEDGER_WRITER_FAILED when a write or signature failed.
   */
  append(contents: string, collectionId: string = DEFAULT_COLLECTION): Promise<string> {
    if (!this.#open) return this.#opening.then(() => this.append(contents, collectionId));
    if (this.#failed) return Promise.reject(this.#failed);
    const key = this.#random(32);
    const entry: EntryBody = { collectionId, contents, secretKey: toBase64(key) };
    const slot = this.#reserve(entry);
    const commitEvidence = this.#commitEvidence(slot.seqno);
    const answered = new Promise<string>((resolve, reject) => {
      slot.answer = { resolve, reject };
    });
    // With synchronous hashes the leaf is ready now and enters the tree before append returns.
    try {
      if (this.#entryLeaf) {
        const done = this.#entryLeaf(collectionId, contents, key, commitEvidence);
        this.#digests.set(slot.seqno, done.writeSetDigest, done.claimsDigest);
        // The leaf is a view the next hash overwrites: it goes into the tree now unless it must wait its turn.
        this.#leafReady(slot, this.#treed === slot.seqno - 1 ? done.leaf : done.leaf.slice());
      } else {
        const leaf = then(entryDigests(entry, this.#hashes, key), (d) => {
          this.#digests.set(slot.seqno, d.writeSetDigest, d.claimsDigest);
          return leafHashOf({ writeSetDigest: d.writeSetDigest, commitEvidence, claimsDigest: d.claimsDigest }, this.#hashes);
        });
        if (leaf instanceof Promise) leaf.then((l) => this.#leafReady(slot, l), (err: unknown) => this.#fail('hash', err));
        else this.#leafReady(slot, leaf);
      }
    } catch (err) {
      this.#fail('hash', err);
    }
    this.#scheduleSignature();
    return answered;
  }

  /** Appends a signature transaction now if any entry is unsigned; resolves once the latest signature transaction is durable. */
  flush(): Promise<void> {
    if (!this.#open) return this.#opening.then(() => this.flush());
    if (this.#failed) return Promise.reject(this.#failed);
    if (this.#txs.length > this.#lastSignatureSeqno) this.#reserveSignature();
    return this.#lastSignatureDone;
  }

  /** Stops the interval timer. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Pending until a durable signature transaction covers it; undefined for an id the ledger does not have (durably). */
  status(transactionId: string): TransactionStatus | undefined {
    const tx = this.#find(transactionId);
    if (!tx) return undefined;
    return this.#covering(tx.seqno) ? 'Committed' : 'Pending';
  }

  /** The entry with `transactionId`, if it is an entry. */
  entry(transactionId: string): LedgerEntry | undefined {
    const tx = this.#find(transactionId);
    return tx ? this.#entryAt(tx.seqno) : undefined;
  }

  /** CCF's view: the first part of every transaction id this writer gives. */
  get view(): number {
    return this.#options.view;
  }

  /** The last durable seqno (entries and signature transactions), 0 while the ledger is empty. */
  get size(): number {
    return this.#durable;
  }

  /** Collection ids that hold an entry, in the order their first entry was appended. */
  collections(): string[] {
    return [...this.#collections.keys()];
  }

  /** The last entry, of `collectionId` when given. */
  latest(collectionId?: string): LedgerEntry | undefined {
    const seqno = collectionId === undefined ? this.#lastEntrySeqno() : this.#collections.get(collectionId)?.at(-1);
    return seqno === undefined ? undefined : this.#entryAt(seqno);
  }

  /** Entries with `from` <= seqno <= `to`, oldest first, of `collectionId` when given, at most `limit`. */
  entries(from: number, to: number, options: { collectionId?: string | undefined; limit?: number | undefined } = {}): LedgerEntry[] {
    const limit = options.limit ?? Infinity;
    const out: LedgerEntry[] = [];
    const last = Math.min(to, this.#durable);
    if (options.collectionId === undefined) {
      for (let seqno = Math.max(from, 1); seqno <= last && out.length < limit; seqno++) {
        const entry = this.#entryAt(seqno);
        if (entry) out.push(entry);
      }
      return out;
    }
    const seqnos = this.#collections.get(options.collectionId) ?? [];
    for (let i = lowerBound(seqnos, from); i < seqnos.length && seqnos[i]! <= last && out.length < limit; i++) out.push(this.#entryAt(seqnos[i]!)!);
    return out;
  }

  /** Pending entries and since when the oldest is pending; reads only counters the writer keeps anyway. */
  commitLag(): CommitLag {
    return { pending: this.#pendingEntries(), pendingSinceMs: this.#pendingSince };
  }

  /** Durable entries after the last durable signed root: all but the signature transaction itself, which is the transaction after its root. */
  #pendingEntries(): number {
    const last = this.#signatures.at(-1);
    return last ? this.#durable - last.treeSize - 1 : this.#durable;
  }

  /** After `signedBefore` signatures and a durable write: the pending entries are new, or there were none before, or there are none now. */
  #notePending(signedBefore: number): void {
    if (this.#pendingEntries() === 0) this.#pendingSince = undefined;
    // Durable in seqno order: entries after a signature that this write made durable are in this write too.
    else if (this.#pendingSince === undefined || this.#signatures.length !== signedBefore) this.#pendingSince = (this.#options.now ?? Date.now)();
  }

  /** Signed roots so far (durable ones), oldest first. */
  get signedRoots(): readonly SignedRoot[] {
    return this.#signatures;
  }

  /** A consistency proof (lower-case hex) between two signed sizes. */
  async consistencyProof(from: number, to: number): Promise<string[]> {
    return (await this.#tree.consistencyProof(from, to)).map(toHex);
  }

  /** The receipt document of a Committed entry, as GET /app/transactions/{id}/receipt answers; undefined while Pending. */
  async receipt(transactionId: string) {
    const tx = this.#find(transactionId);
    const signed = tx && this.#covering(tx.seqno);
    if (!tx?.entry || !signed) return undefined;
    const proof = await this.#tree.inclusionProof(tx.seqno - 1, signed.treeSize);
    return {
      receipt: {
        cert: signed.cert,
        leafComponents: { claimsDigest: toHex(this.#digests.claimsDigest(tx.seqno)), commitEvidence: this.#commitEvidence(tx.seqno), writeSetDigest: toHex(this.#digests.writeSetDigest(tx.seqno)) },
        nodeId: toHex(await this.#nodeIdOf(signed.cert)),
        proof: proof.map((s) => ('left' in s ? { left: toHex(s.left) } : { right: toHex(s.right) })),
        serviceEndorsements: signed.serviceEndorsements ?? [],
        signature: signed.signature,
      },
      state: 'Ready' as const,
      transactionId,
      applicationClaims: [{ kind: 'LedgerEntry' as const, ledgerEntry: { ...tx.entry, protocol: LEDGER_ENTRY_V1 } }],
    };
  }

  #entryAt(seqno: number): LedgerEntry | undefined {
    const tx = this.#txs[seqno - 1];
    return tx?.entry ? { contents: tx.entry.contents, collectionId: tx.entry.collectionId, transactionId: formatTransactionId({ view: this.#options.view, seqno }) } : undefined;
  }

  #lastEntrySeqno(): number | undefined {
    for (let i = this.#durable - 1; i >= 0; i--) if (this.#txs[i]!.entry) return i + 1;
    return undefined;
  }

  #index(tx: Slot): void {
    if (!tx.entry) return;
    const list = this.#collections.get(tx.entry.collectionId);
    if (list) list.push(tx.seqno);
    else this.#collections.set(tx.entry.collectionId, [tx.seqno]);
  }

  #nodeIdOf(cert: string): Promise<Uint8Array> {
    let id = this.#nodeIds.get(cert);
    if (!id) this.#nodeIds.set(cert, (id = sha256(parseCcfCertificate(cert, 'cert').spki, this.#hashes)));
    return id;
  }

  #find(transactionId: string): Slot | undefined {
    const id = parseTransactionId(transactionId);
    if (!id || id.view !== this.#options.view || id.seqno < 1 || id.seqno > this.#durable) return undefined;
    return this.#txs[id.seqno - 1];
  }

  /** The first durable signed root that covers `seqno` (binary search: roots grow). */
  #covering(seqno: number): SignedRoot | undefined {
    const s = this.#signatures;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]!.treeSize < seqno) lo = mid + 1;
      else hi = mid;
    }
    return s[lo];
  }

  /** Takes the next seqno now, so concurrent appends keep their order, with a fresh commit evidence secret. */
  #reserve(entry: EntryBody | undefined): Slot {
    const seqno = this.#txs.length + 1;
    const slot: Slot = { seqno, entry, signed: undefined, leaf: undefined, answer: undefined, signature: undefined };
    this.#txs.push(slot);
    this.#digests.push(this.#random(32));
    return slot;
  }

  /** `ce:view.seqno:<secret hex>` of transaction `seqno`. */
  #commitEvidence(seqno: number): string {
    return formatCommitEvidence({ view: this.#options.view, seqno }, this.#digests.secret(seqno));
  }

  /** Transaction `seqno` as the hex strings records and receipts carry. */
  #held(slot: Slot): HeldTransaction {
    const { seqno } = slot;
    const digests = this.#digests;
    return { seqno, commitEvidence: this.#commitEvidence(seqno), writeSetDigest: toHex(digests.writeSetDigest(seqno)), claimsDigest: toHex(digests.claimsDigest(seqno)), entry: slot.entry, signed: slot.signed };
  }

  #reserveSignature(): void {
    this.close();
    const slot = this.#reserve(undefined);
    slot.signature = 'waiting';
    this.#lastSignatureSeqno = slot.seqno;
    this.#lastSignatureDone = new Promise<void>((resolve, reject) => {
      slot.answer = { resolve: () => resolve(), reject };
    });
    this.#lastSignatureDone.catch(() => undefined);
    this.#drain();
  }

  #scheduleSignature(): void {
    const pending = this.#txs.length - this.#lastSignatureSeqno;
    if (pending >= this.#options.interval.count) this.#reserveSignature();
    else if (pending > 0 && !this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush().catch(() => undefined);
      }, this.#options.interval.ms);
    }
  }

  #leafReady(slot: Slot, leaf: Uint8Array): void {
    slot.leaf = leaf;
    this.#drain();
  }

  /** Moves every transaction whose leaf is ready, in seqno order, into the tree and the write queue. */
  #drain(): void {
    while (this.#treed < this.#txs.length && !this.#failed) {
      const slot = this.#txs[this.#treed]!;
      if (!slot.leaf) {
        if (slot.signature === 'waiting') void this.#sign(slot);
        break;
      }
      void this.#tree.append(slot.leaf);
      slot.leaf = undefined;
      this.#treed += 1;
      this.#unwritten.push(slot);
    }
    this.#kick();
  }

  /** Signs the root of every transaction before `slot` (all in the tree now) and makes it the next leaf. */
  async #sign(slot: Slot): Promise<void> {
    slot.signature = 'signing';
    try {
      const size = slot.seqno - 1;
      // The root's preimage: its two children, or for one leaf the leaf's own preimage.
      const first = { writeSetDigest: this.#digests.writeSetDigest(1).slice(), commitEvidence: this.#commitEvidence(1), claimsDigest: this.#digests.claimsDigest(1).slice() };
      const preimage = size === 1 ? await leafPreimageOf(first, this.#hashes) : await this.#tree.rootPreimage(size);
      const { signer } = this.#options;
      const signed: SignedRoot = { treeSize: size, rootPreimage: toHex(preimage), signature: toBase64(await signer.sign(preimage)), cert: signer.certPem };
      slot.signed = signed;
      const writeSetDigest = await signatureWriteSetDigest(signed, this.#hashes);
      this.#digests.set(slot.seqno, writeSetDigest, ZERO_DIGEST);
      slot.leaf = await leafHashOf({ writeSetDigest, commitEvidence: this.#commitEvidence(slot.seqno), claimsDigest: ZERO_DIGEST }, this.#hashes);
      slot.signature = undefined;
    } catch (err) {
      this.#fail('signature', err);
      return;
    }
    this.#drain();
  }

  /**
   * Starts the next durable write when one may go out (see `minEarlyBatch`): deferred, so it takes
   * every append of this turn.
   */
  #kick(): void {
    if (this.#taking || this.#unwritten.length === 0 || this.#failed) return;
    const persistence = this.#options.persistence;
    if (!persistence) {
      this.#settle(this.#unwritten.splice(0));
      return;
    }
    if (!this.#mayWrite()) return;
    this.#taking = true;
    this.#defer(() => {
      this.#taking = false;
      if (!this.#failed && this.#unwritten.length > 0 && this.#mayWrite()) this.#write(persistence);
      this.#kick();
    });
  }

  /** Sends the next batch to `persistence`. */
  #write(persistence: LedgerPersistence): void {
    const write: Write = { batch: this.#unwritten.splice(0, this.#batchSize()), done: false };
    this.#writes.push(write);
    persistence.append(write.batch.map((slot) => toRecord(this.#held(slot)))).then(
      () => {
        write.done = true;
        this.#answerWritten(persistence);
      },
      (err: unknown) => this.#fail('storage', err),
    );
  }

  /** No write is out, or one may be added and the queue is big enough to go early. */
  #mayWrite(): boolean {
    const out = this.#writes.length;
    return out === 0 || (out < this.#writesInFlight && this.#unwritten.length >= this.#minEarlyBatch);
  }

  /** All that is queued (up to maxBatch), or half of it when it is big enough to split and a further write may go out after this one. */
  #batchSize(): number {
    const queued = this.#unwritten.length;
    const split = this.#writes.length + 1 < this.#writesInFlight && queued >= 2 * this.#minEarlyBatch;
    return Math.min(this.#maxBatch, split ? Math.ceil(queued / 2) : queued);
  }

  /**
   * Answers the resolved writes at the head of the line (a later one waits for every one before
   * it). What queued up during the write goes to storage first, not a turn later: answering a batch
   * (and what the callers do with their answers, e.g. HTTP responses) then overlaps the next write
   * instead of delaying it. (A store that commits on the calling thread, as SQLite's does, runs that
   * commit before the answers' continuations, whose sync then overlaps them.)
   */
  #answerWritten(persistence: LedgerPersistence): void {
    const written: Slot[][] = [];
    while (this.#writes[0]?.done) written.push(this.#writes.shift()!.batch);
    if (written.length === 0 || this.#failed) return;
    if (this.#unwritten.length > 0 && this.#mayWrite()) this.#write(persistence);
    for (const batch of written) this.#settle(batch);
    this.#kick();
  }

  /** `batch` is durable: its signatures count, its appends are answered. */
  #settle(batch: Slot[]): void {
    const signedBefore = this.#signatures.length;
    this.#durable = batch.at(-1)!.seqno;
    for (const slot of batch) {
      if (slot.signed) this.#signatures.push(slot.signed);
      this.#index(slot);
      slot.answer?.resolve(formatTransactionId({ view: this.#options.view, seqno: slot.seqno }));
      slot.answer = undefined;
    }
    this.#notePending(signedBefore);
  }

  /** Refuses every unanswered and later append: the tree holds transactions storage may not have. */
  #fail(reason: 'storage' | 'signature' | 'hash', cause: unknown): void {
    if (this.#failed) return;
    this.#failed = new LedgerError('ERR_LEDGER_WRITER_FAILED', `the ledger writer stopped: a ${reason === 'storage' ? 'durable write' : reason === 'signature' ? 'root signature' : 'leaf hash'} failed; open it again from its storage`, { details: { reason }, cause });
    this.close();
    for (let i = this.#durable; i < this.#txs.length; i++) this.#txs[i]!.answer?.reject(this.#failed);
  }

  async #restore(persistence: LedgerPersistence): Promise<void> {
    const head = await persistence.head();
    const replay = new LedgerReplay({ view: this.#options.view, hashes: this.#hashes, tree: this.#tree });
    for (let from = 1; from <= head; from += RESTORE_CHUNK) {
      for (const record of await persistence.range(from, Math.min(head, from + RESTORE_CHUNK - 1))) {
        const tx = await replay.add(record);
        // Checked: the record's digests are the hex the replay recomputed, its commit evidence names this view and seqno.
        const slot: Slot = { seqno: tx.seqno, entry: tx.entry, signed: tx.signed, leaf: undefined, answer: undefined, signature: undefined };
        this.#txs.push(slot);
        this.#digests.push(commitEvidenceSecret(record.commitEvidence));
        this.#digests.set(tx.seqno, tx.components.writeSetDigest, tx.components.claimsDigest);
        this.#index(slot);
      }
    }
    if (replay.size !== head) {
      const transactionId = formatTransactionId({ view: this.#options.view, seqno: replay.size + 1 });
      throw new LedgerError('ERR_LEDGER_TX_OUT_OF_SEQUENCE', `transaction ${transactionId} is missing from storage (its head is ${head})`, { details: { transactionId, reason: 'missing' } });
    }
    this.#treed = this.#durable = head;
    this.#signatures = replay.signatures.map((s) => s.signed);
    this.#lastSignatureSeqno = replay.signatures.at(-1)?.seqno ?? 0;
    // Entries stored after the last signature count as pending from now: their write time is not stored.
    this.#notePending(-1);
    this.#open = true;
    // Entries stored after the last signature get one within the interval, as fresh ones would.
    this.#scheduleSignature();
  }
}

/** The first index of ascending `sorted` whose value is >= `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
