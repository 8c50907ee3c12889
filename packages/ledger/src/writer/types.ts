/** What the ledger writer is given and what it hands out, in the Confidential Ledger's wire shapes. */

/** The node that signs roots: its certificate (issued by the service identity) and its key, injected so no runtime's key type leaks in. */
export interface NodeSigner {
  /** PEM of the node certificate, as receipts carry it. */
  certPem: string;
  /** DER ECDSA signature by the node key over SHA-256(preimage): CCF's pre-hashed root signature. */
  sign(preimage: Uint8Array): Promise<Uint8Array>;
}

/** When a signature transaction is appended: after `count` pending entries or `ms` milliseconds, whichever comes first. */
export interface SignatureInterval {
  count: number;
  ms: number;
}

/** An entry as the Confidential Ledger returns it. */
export interface LedgerEntry {
  contents: string;
  collectionId: string;
  transactionId: string;
}

export type TransactionStatus = 'Pending' | 'Committed';

/**
 * Synchronous crypto for a writer that must keep up with many appends (node:crypto on Node):
 * WebCrypto, the default, is async and costs a thread-pool round trip per hash.
 */
export interface LedgerCrypto {
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** SHA-256 of parts concatenated, text as UTF-8 (optional: spares the copies). */
  sha256Of?(parts: readonly (Uint8Array | string)[]): Uint8Array;
  /** Writes SHA-256 of `data` into `out` at `offset` (optional: the tree's nodes then need no array each). */
  sha256Into?(data: Uint8Array, out: Uint8Array, offset: number): void;
  /** Writes SHA-256 of `parts` (text as UTF-8) into `out` at `offset` (optional, with hmacSha256Into: an entry's leaf is then hashed in one scratch buffer). */
  sha256PartsInto?(parts: readonly (Uint8Array | string)[], out: Uint8Array, offset: number): void;
  /** Writes HMAC-SHA256 of `data` (text as UTF-8) under `key` into `out` at `offset` (optional). */
  hmacSha256Into?(key: Uint8Array, data: Uint8Array | string, out: Uint8Array, offset: number): void;
  /** HMAC-SHA256 with text as UTF-8 (optional). */
  hmacSha256Of?(key: Uint8Array, data: Uint8Array | string): Uint8Array;
  randomBytes(n: number): Uint8Array;
}
