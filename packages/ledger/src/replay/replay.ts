/**
 * Replays stored transactions into a tree, checking each as it comes: its place (seqno and the
 * commit evidence's `view.seqno`), its digests recomputed from its body, and for a signature
 * transaction the size and root it signs against the tree of the transactions before it. The
 * writer restores itself with it; `verifyLedgerExport` adds the signature checks.
 */
import { fromHex, toHex } from '@confide/core';
import { LedgerError } from '../errors.js';
import { formatTransactionId, parseCommitEvidence } from '../leaf/commit-evidence.js';
import { leafHash } from '../leaf/leaf.js';
import { sha256, type LedgerHashes } from '../merkle/hash.js';
import type { MerkleTree } from '../merkle/tree.js';
import type { SignedRoot } from '../signed-root/signed-root.js';
import type { LedgerRecord } from '../writer/persistence.js';
import { entryDigests, parseBody, signatureWriteSetDigest, ZERO_DIGEST_HEX, type EntryBody, type Transaction } from '../writer/records.js';

export interface ReplayOptions {
  /** The view every transaction id carries. */
  view: number;
  hashes: LedgerHashes;
  /** An empty tree the replay fills. */
  tree: MerkleTree;
}

const HEX32 = /^[0-9a-f]{64}$/;

export class LedgerReplay {
  readonly transactions: Transaction[] = [];
  /** The signature transactions so far, in order. */
  readonly signatures: Array<{ seqno: number; signed: SignedRoot }> = [];
  readonly #options: ReplayOptions;

  constructor(options: ReplayOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.transactions.length;
  }

  /**
   * Checks that `record` continues the ledger and adds it. Throws ERR_LEDGER_TX_OUT_OF_SEQUENCE,
   * ERR_LEDGER_TX_ALTERED, ERR_LEDGER_ROOT_MISMATCH, each with details.transactionId.
   */
  async add(record: LedgerRecord): Promise<Transaction> {
    const { view, hashes, tree } = this.#options;
    const seqno = this.transactions.length + 1;
    const transactionId = formatTransactionId({ view, seqno });
    const fail = (code: 'ERR_LEDGER_TX_OUT_OF_SEQUENCE' | 'ERR_LEDGER_TX_ALTERED' | 'ERR_LEDGER_ROOT_MISMATCH', reason: string, message: string, extra: Record<string, unknown> = {}) =>
      new LedgerError(code, `transaction ${transactionId}: ${message}`, { details: { transactionId, reason, ...extra } });

    if (record.seqno !== seqno) throw fail('ERR_LEDGER_TX_OUT_OF_SEQUENCE', 'seqno', `the next stored transaction has seqno ${record.seqno}`, { found: record.seqno });
    let named;
    try {
      named = parseCommitEvidence(record.commitEvidence);
    } catch {
      throw fail('ERR_LEDGER_TX_ALTERED', 'commit-evidence', 'its commit evidence is not ce:<view>.<seqno>:<hex>');
    }
    if (named.view !== view || named.seqno !== seqno) throw fail('ERR_LEDGER_TX_OUT_OF_SEQUENCE', 'commit-evidence', `the transaction here is ${formatTransactionId(named)}`, { found: formatTransactionId(named) });
    if (!HEX32.test(record.writeSetDigest) || !HEX32.test(record.claimsDigest)) throw fail('ERR_LEDGER_TX_ALTERED', 'digest', 'a digest is not 64 lower-case hex digits');
    const body = parseBody(record);
    if (!body) throw fail('ERR_LEDGER_TX_ALTERED', 'body', `its body is not the ${record.kind} the writer wrote`);

    const tx: Transaction = { seqno, components: { writeSetDigest: fromHex(record.writeSetDigest), commitEvidence: record.commitEvidence, claimsDigest: fromHex(record.claimsDigest) } };
    if ('entry' in body) {
      const d = await this.#digestsOf(body.entry);
      if (!d || toHex(d.writeSetDigest) !== record.writeSetDigest) throw fail('ERR_LEDGER_TX_ALTERED', 'write-set', 'its contents do not hash to its write-set digest');
      if (toHex(d.claimsDigest) !== record.claimsDigest) throw fail('ERR_LEDGER_TX_ALTERED', 'claims', 'its contents and key do not hash to its claims digest');
      tx.entry = body.entry;
    } else {
      const s = body.signed;
      if (record.claimsDigest !== ZERO_DIGEST_HEX) throw fail('ERR_LEDGER_TX_ALTERED', 'claims', 'a signature transaction has no claims');
      if (toHex(await signatureWriteSetDigest(s, hashes)) !== record.writeSetDigest) throw fail('ERR_LEDGER_TX_ALTERED', 'write-set', 'its signed root does not hash to its write-set digest');
      // CCF's signature transaction signs the root of every transaction before it.
      if (s.treeSize !== seqno - 1) throw fail('ERR_LEDGER_ROOT_MISMATCH', 'size', `it signs ${s.treeSize} transactions, not the ${seqno - 1} before it`);
      const expected = await tree.root(s.treeSize);
      if (toHex(await sha256(fromHex(s.rootPreimage), hashes)) !== toHex(expected)) throw fail('ERR_LEDGER_ROOT_MISMATCH', 'root', 'the root it signs is not the root of the transactions before it');
      tx.signed = s;
      this.signatures.push({ seqno, signed: s });
    }
    this.transactions.push(tx);
    await tree.append(await leafHash(tx.components, hashes));
    return tx;
  }

  /** Undefined when the body's key cannot be what the writer wrote. */
  async #digestsOf(entry: EntryBody) {
    try {
      return await entryDigests(entry, this.#options.hashes);
    } catch {
      return undefined;
    }
  }
}
