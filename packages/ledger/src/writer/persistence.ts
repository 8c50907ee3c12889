/**
 * The writer's persistence port: where transactions become durable. The store's
 * `ledgerTransactions` repository has this shape; any engine that keeps rows append-only in
 * seqno order and makes a batch durable in one write fits.
 */

/** One stored transaction: an entry or a signature transaction, with the parts its leaf is hashed from. */
export interface LedgerRecord {
  /** 1, 2, 3, … without gaps. */
  seqno: number;
  kind: 'entry' | 'signature';
  /** The transaction's own JSON: an entry's `{collectionId, contents, secretKey}`, a signature's signed root. */
  body: string;
  /** `ce:view.seqno:<hex>`. */
  commitEvidence: string;
  /** Lower-case hex, 32 bytes each. */
  writeSetDigest: string;
  claimsDigest: string;
}

export interface LedgerPersistence {
  /** The last stored seqno, 0 while none is stored. */
  head(): Promise<number>;
  /**
   * Stores `records` (the seqnos after the head, in order) in ONE durable write, all or none, and
   * resolves only once they survive a crash of the process (and, as the engine documents it, of
   * the machine). The writer answers every append in the batch after this resolves.
   */
  append(records: readonly LedgerRecord[]): Promise<void>;
  /**
   * How many appends may be outstanding at once (default 1). More than 1 promises order: appends
   * called before the previous one resolved are applied in call order, and one that fails leaves
   * the head where it was, so every later one fails too (its seqnos no longer continue the
   * ledger). The writer then prepares the next batch while the previous one is being written, and
   * still answers an append only once its batch and every one before it resolved.
   */
  readonly writesInFlight?: number;
  /** Records with `from` <= seqno <= `to`, oldest first. */
  range(from: number, to: number): Promise<LedgerRecord[]>;
}
