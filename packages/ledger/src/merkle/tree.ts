/**
 * The Merkle tree over ledger leaves exactly as CCF's merklecpp builds it: a new leaf joins the
 * root when the root's subtree is full and descends to the right otherwise, so n leaves split at
 * the largest power of two below n (the shape of RFC 6962, but with plain SHA-256(left ‖ right)
 * nodes and leaves used as they are). Append-only and incremental: each append computes only the
 * perfect subtrees it completes, and any earlier size's root, inclusion proof or consistency proof
 * can be asked for later.
 */
import { concatBytes } from '@confide/core';
import { LedgerError } from '../errors.js';
import { DigestRow } from './digest-row.js';
import { hashPair, isPowerOfTwo, sha256, splitPoint } from './hash.js';
import type { ProofStep } from './proof.js';

export interface MerkleTreeOptions {
  /** A synchronous SHA-256: appends then hash in place, with no promise per node. */
  sha256?: ((data: Uint8Array) => Uint8Array) | undefined;
  /** Writes SHA-256 of `data` into `out` at `offset` (optional, with `sha256`): a node goes into its row with no array of its own. */
  sha256Into?: ((data: Uint8Array, out: Uint8Array, offset: number) => void) | undefined;
}

export class MerkleTree {
  /** levels[h].at(i): the root of the perfect subtree of 2^h leaves that starts at leaf i * 2^h. */
  readonly #levels: DigestRow[] = [new DigestRow()];
  /** Appends are hashed one after another (WebCrypto is async), so a carry never reads a missing node. */
  #settled: Promise<void> = Promise.resolve();
  readonly #syncSha256: ((data: Uint8Array) => Uint8Array) | undefined;
  readonly #sha256Into: ((data: Uint8Array, out: Uint8Array, offset: number) => void) | undefined;

  constructor(options: MerkleTreeOptions = {}) {
    this.#syncSha256 = options.sha256;
    this.#sha256Into = options.sha256 ? options.sha256Into : undefined;
  }

  /** Leaves appended so far (including any still being hashed in). */
  get size(): number {
    return this.#levels[0]!.length;
  }

  /** Appends a 32-byte leaf hash; resolves to its index once its subtrees are hashed. */
  append(leaf: Uint8Array): Promise<number> {
    const levels = this.#levels;
    const index = levels[0]!.length;
    levels[0]!.push(leaf);
    const sync = this.#syncSha256;
    if (sync) {
      const into = this.#sha256Into;
      // A binary counter: leaf i completes one perfect subtree per trailing 1 bit of i.
      for (let h = 0, i = index; i % 2 === 1; h++, i = (i - 1) / 2) {
        const children = levels[h]!.pair(i - 1);
        const parents = (levels[h + 1] ??= new DigestRow());
        if (into) parents.pushInto((out, offset) => into(children, out, offset));
        else parents.push(sync(children));
      }
      return Promise.resolve(index);
    }
    const done = this.#settled.then(async () => {
      for (let h = 0, i = index; i % 2 === 1; h++, i = (i - 1) / 2) {
        const parent = await sha256(levels[h]!.pair(i - 1));
        (levels[h + 1] ??= new DigestRow()).push(parent);
      }
    });
    this.#settled = done;
    return done.then(() => index);
  }

  /** The root over the first `size` leaves. Throws ERR_LEDGER_PROOF_RANGE. */
  async root(size: number = this.size): Promise<Uint8Array> {
    this.#checkSize(size);
    await this.#settled;
    return this.#subtree(0, size);
  }

  /** The inclusion proof of leaf `index` in the tree of the first `size` leaves. Throws ERR_LEDGER_PROOF_RANGE. */
  async inclusionProof(index: number, size: number = this.size): Promise<ProofStep[]> {
    this.#checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new LedgerError('ERR_LEDGER_PROOF_RANGE', `no leaf ${index} in a tree of ${size}`, { details: { index, size } });
    await this.#settled;
    const path: ProofStep[] = [];
    let start = 0;
    let n = size;
    let m = index;
    const siblings: ProofStep[] = [];
    while (n > 1) {
      const k = splitPoint(n);
      if (m < k) {
        siblings.push({ right: await this.#subtree(start + k, n - k) });
        n = k;
      } else {
        siblings.push({ left: await this.#subtree(start, k) });
        start += k;
        m -= k;
        n -= k;
      }
    }
    // Collected root-down; a receipt lists them leaf-up.
    for (let i = siblings.length - 1; i >= 0; i--) path.push(siblings[i]!);
    return path;
  }

  /**
   * The consistency proof from the tree of `from` leaves to the tree of `to` leaves (RFC 9162
   * section 2.1.4.1, SUBPROOF, with CCF's node hash). Throws ERR_LEDGER_PROOF_RANGE.
   */
  async consistencyProof(from: number, to: number = this.size): Promise<Uint8Array[]> {
    this.#checkSize(to);
    if (!Number.isSafeInteger(from) || from < 1 || from > to) throw new LedgerError('ERR_LEDGER_PROOF_RANGE', `no consistency proof from ${from} to ${to} leaves`, { details: { from, to } });
    await this.#settled;
    const out: Uint8Array[] = [];
    let start = 0;
    let n = to;
    let m = from;
    let whole = true;
    const tail: Uint8Array[] = [];
    while (m !== n) {
      const k = splitPoint(n);
      if (m <= k) {
        tail.push(await this.#subtree(start + k, n - k));
        n = k;
      } else {
        tail.push(await this.#subtree(start, k));
        start += k;
        m -= k;
        n -= k;
        whole = false;
      }
    }
    if (!whole) out.push(await this.#subtree(start, n));
    for (let i = tail.length - 1; i >= 0; i--) out.push(tail[i]!);
    return out;
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.size) throw new LedgerError('ERR_LEDGER_PROOF_RANGE', `no tree of ${size} leaves (the ledger has ${this.size})`, { details: { size, leaves: this.size } });
  }

  /**
   * The root's preimage over the first `size` leaves (size >= 2): its two children, left ‖ right,
   * whose SHA-256 is the root (what a node key signs). Throws ERR_LEDGER_PROOF_RANGE.
   */
  async rootPreimage(size: number = this.size): Promise<Uint8Array> {
    this.#checkSize(size);
    if (size < 2) throw new LedgerError('ERR_LEDGER_PROOF_RANGE', 'a one-leaf tree\'s root is its leaf: its preimage is the leaf\'s own', { details: { size } });
    await this.#settled;
    const k = splitPoint(size);
    return concatBytes(await this.#subtree(0, k), await this.#subtree(k, size - k));
  }

  /** The root of leaves [start, start + n): a stored perfect subtree, or its split recomputed. */
  async #subtree(start: number, n: number): Promise<Uint8Array> {
    if (this.#syncSha256) return this.#subtreeSync(start, n, this.#syncSha256);
    const node = this.#stored(start, n);
    if (node) return node;
    const k = splitPoint(n);
    return hashPair(await this.#subtree(start, k), await this.#subtree(start + k, n - k));
  }

  #subtreeSync(start: number, n: number, sha256: (data: Uint8Array) => Uint8Array): Uint8Array {
    const node = this.#stored(start, n);
    if (node) return node;
    const k = splitPoint(n);
    return sha256(concatBytes(this.#subtreeSync(start, k, sha256), this.#subtreeSync(start + k, n - k, sha256)));
  }

  #stored(start: number, n: number): Uint8Array | undefined {
    return isPowerOfTwo(n) && start % n === 0 ? this.#levels[Math.log2(n)]?.at(start / n) : undefined;
  }
}
