/**
 * The signing side of the ledger, without storage or HTTP: entries get CCF transaction ids in one
 * view, leaves as CCF builds them (a write-set digest, commit evidence with a per-entry secret, the
 * LedgerEntryV1 claims digest under a per-entry key), and signature transactions at an interval
 * (count or milliseconds). A signature transaction signs the root over every earlier transaction
 * and is itself the next leaf, as in CCF; the entries it covers become Committed and get
 * receipts. Held in memory: the store repository that makes it durable is still to come.
 */
import { concatBytes, toBase64, toHex, utf8 } from '@confide/core';
import { claimsDigest, LEDGER_ENTRY_V1, type ApplicationClaim } from '../claims/application-claims.js';
import { formatCommitEvidence, formatTransactionId, parseTransactionId } from '../leaf/commit-evidence.js';
import { leafHash, leafPreimage, type LeafComponents } from '../leaf/leaf.js';
import { sha256 } from '../merkle/hash.js';
import { foldProof } from '../merkle/proof.js';
import { MerkleTree } from '../merkle/tree.js';
import type { SignedRoot } from '../signed-root/signed-root.js';
import { parseCcfCertificate } from '../certificates/ccf-certificate.js';
import type { LedgerEntry, NodeSigner, SignatureInterval, TransactionStatus } from './types.js';

export const DEFAULT_COLLECTION = 'subledger:0';
const ZERO_DIGEST = new Uint8Array(32);

interface Transaction {
  seqno: number;
  components: LeafComponents;
  /** Undefined for a signature transaction. */
  entry?: { collectionId: string; contents: string; secretKey: string };
}

export interface LedgerWriterOptions {
  signer: NodeSigner;
  interval: SignatureInterval;
  /** CCF's view; default 2, as a fresh Confidential Ledger answers. */
  view?: number;
  /** Random bytes (default WebCrypto's): commit secrets and entry keys. */
  random?: (n: number) => Uint8Array;
}

export class LedgerWriter {
  readonly #tree = new MerkleTree();
  /** By seqno - 1: the tree's leaves, in order. */
  readonly #txs: Transaction[] = [];
  /** Signed roots in order; each covers `treeSize` transactions. */
  readonly #signatures: SignedRoot[] = [];
  readonly #options: Required<LedgerWriterOptions>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Signatures run one at a time, in order. */
  #signing: Promise<void> = Promise.resolve();
  /** Leaves enter the tree one at a time, in transaction order. */
  #leaves: Promise<unknown> = Promise.resolve();
  /** SHA-256 of the node certificate's SPKI: the nodeId receipts carry. */
  readonly #nodeId: Promise<Uint8Array>;
  /** Each collection's entry seqnos, ascending, in the order the collections first appeared. */
  readonly #collections = new Map<string, number[]>();

  constructor(options: LedgerWriterOptions) {
    this.#options = { view: 2, random: (n) => crypto.getRandomValues(new Uint8Array(n)), ...options };
    this.#nodeId = sha256(parseCcfCertificate(options.signer.certPem, 'signer.certPem').spki);
  }

  /** Appends an entry; resolves to its transaction id once its leaf is in the tree (Pending until a signature covers it). */
  async append(contents: string, collectionId: string = DEFAULT_COLLECTION): Promise<string> {
    const secretKey = toBase64(this.#options.random(32));
    const claims: ApplicationClaim[] = [{ kind: 'LedgerEntry', ledgerEntry: { collectionId, contents, protocol: LEDGER_ENTRY_V1, secretKey } }];
    const id = await this.#add({ claims, writeSet: utf8(JSON.stringify([collectionId, contents])), entry: { collectionId, contents, secretKey } });
    this.#scheduleSignature();
    return id;
  }

  /** Appends a signature transaction now if any entry is pending; resolves when it is in. */
  flush(): Promise<void> {
    const next = this.#signing.then(() => this.#sign());
    this.#signing = next.catch(() => undefined);
    return next;
  }

  /** Stops the interval timer. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Pending until a signature transaction covers it; undefined for an id the ledger does not have. */
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

  /** The last seqno given (entries and signature transactions), 0 while the ledger is empty. */
  get size(): number {
    return this.#txs.length;
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
    const last = Math.min(to, this.#txs.length);
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

  /** Signed roots so far, oldest first. */
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
    const c = tx.components;
    return {
      receipt: {
        cert: signed.cert,
        leafComponents: { claimsDigest: toHex(c.claimsDigest), commitEvidence: c.commitEvidence, writeSetDigest: toHex(c.writeSetDigest) },
        nodeId: toHex(await this.#nodeId),
        proof: proof.map((s) => ('left' in s ? { left: toHex(s.left) } : { right: toHex(s.right) })),
        serviceEndorsements: [] as string[],
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
    for (let i = this.#txs.length - 1; i >= 0; i--) if (this.#txs[i]!.entry) return i + 1;
    return undefined;
  }

  #find(transactionId: string): Transaction | undefined {
    const id = parseTransactionId(transactionId);
    if (!id || id.view !== this.#options.view) return undefined;
    return this.#txs[id.seqno - 1];
  }

  #covering(seqno: number): SignedRoot | undefined {
    return this.#signatures.find((s) => s.treeSize >= seqno);
  }

  async #add(tx: { claims?: ApplicationClaim[]; writeSet: Uint8Array; entry?: Transaction['entry'] }): Promise<string> {
    const seqno = this.#txs.length + 1;
    const id = { view: this.#options.view, seqno };
    const record: Transaction = { seqno, components: { writeSetDigest: ZERO_DIGEST, commitEvidence: formatCommitEvidence(id, this.#options.random(32)), claimsDigest: ZERO_DIGEST }, ...(tx.entry ? { entry: tx.entry } : {}) };
    // The slot and the leaf's place are taken before any await, so concurrent appends keep their order.
    this.#txs.push(record);
    if (tx.entry) {
      const list = this.#collections.get(tx.entry.collectionId);
      if (list) list.push(seqno);
      else this.#collections.set(tx.entry.collectionId, [seqno]);
    }
    const leaf = (async () => {
      record.components.writeSetDigest = await sha256(tx.writeSet);
      if (tx.claims) record.components.claimsDigest = await claimsDigest(tx.claims);
      return leafHash(record.components);
    })();
    const added = this.#leaves.then(async () => this.#tree.append(await leaf));
    this.#leaves = added.catch(() => undefined);
    await added;
    return formatTransactionId(id);
  }

  #scheduleSignature(): void {
    const pending = this.#txs.length - (this.#signatures.at(-1)?.treeSize ?? 0);
    if (pending >= this.#options.interval.count) {
      this.close();
      void this.flush();
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, this.#options.interval.ms);
    }
  }

  async #sign(): Promise<void> {
    await this.#leaves;
    const size = this.#tree.size;
    const last = this.#signatures.at(-1)?.treeSize ?? 0;
    if (size === last || size === 0) return;
    // The root's preimage: what the node key signs (pre-hashed, as CCF does).
    const first = this.#txs[0]!;
    const { preimage } = await foldProof(await leafPreimage(first.components), await this.#tree.inclusionProof(0, size));
    const signature = toBase64(await this.#options.signer.sign(preimage));
    const signed: SignedRoot = { treeSize: size, rootPreimage: toHex(preimage), signature, cert: this.#options.signer.certPem };
    this.#signatures.push(signed);
    // The signature transaction is the next leaf, its write set the signed root.
    await this.#add({ writeSet: concatBytes(utf8(`${size}:`), preimage, utf8(signature)) });
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
