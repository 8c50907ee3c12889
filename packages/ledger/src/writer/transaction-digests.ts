/**
 * The three 32-byte values the writer keeps for every transaction for as long as it runs: the
 * write-set digest, the claims digest and the secret of the commit evidence, side by side by seqno
 * in one growing buffer each (DigestRow). Kept as the hex strings that records and receipts carry
 * they cost about 270 bytes of heap a transaction (two 64-digit strings and the commit evidence's
 * string), which every young-generation collection before promotion copies; here 96 bytes the
 * collector never scans. The strings are made when a record is written or a receipt is asked for.
 */
import { DigestRow } from '../merkle/digest-row.js';
import { ZERO_DIGEST } from './records.js';

export class TransactionDigests {
  readonly #writeSets = new DigestRow();
  readonly #claims = new DigestRow();
  readonly #secrets = new DigestRow();

  /** Transactions held. */
  get length(): number {
    return this.#secrets.length;
  }

  /** Holds the next transaction: its commit evidence's secret, its digests zero until set. */
  push(secret: Uint8Array): void {
    this.#secrets.push(secret);
    this.#writeSets.push(ZERO_DIGEST);
    this.#claims.push(ZERO_DIGEST);
  }

  /** Sets the digests of transaction `seqno` (held): once, before its leaf enters the tree. */
  set(seqno: number, writeSetDigest: Uint8Array, claimsDigest: Uint8Array): void {
    this.#writeSets.setAt(seqno - 1, writeSetDigest);
    this.#claims.setAt(seqno - 1, claimsDigest);
  }

  /** A view of transaction `seqno`'s write-set digest (held). */
  writeSetDigest(seqno: number): Uint8Array {
    return this.#writeSets.at(seqno - 1)!;
  }

  /** A view of transaction `seqno`'s claims digest (held). */
  claimsDigest(seqno: number): Uint8Array {
    return this.#claims.at(seqno - 1)!;
  }

  /** A view of the secret in transaction `seqno`'s commit evidence (held). */
  secret(seqno: number): Uint8Array {
    return this.#secrets.at(seqno - 1)!;
  }
}
