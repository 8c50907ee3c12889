/**
 * One level of the Merkle tree: 32-byte digests side by side in one growing buffer. The tree keeps
 * about two digests per ledger transaction for as long as the ledger runs; as separate
 * Uint8Arrays each would cost three heap objects (view, buffer, bytes: about 250 bytes) that every
 * garbage collection before promotion copies, here they cost 32 bytes the collector never scans.
 * Two siblings (2i, 2i + 1) are adjacent, so their parent is hashed straight from the row.
 */
const DIGEST = 32;
const FIRST_CAPACITY = 16;

export class DigestRow {
  #bytes = new Uint8Array(FIRST_CAPACITY * DIGEST);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Digest `i` (a view: rows only grow, and a written digest never changes). */
  at(i: number): Uint8Array | undefined {
    return i >= 0 && i < this.#length ? this.#bytes.subarray(i * DIGEST, (i + 1) * DIGEST) : undefined;
  }

  /** Digests `i` and `i + 1` as one 64-byte view: a node's preimage when `i` is even. */
  pair(i: number): Uint8Array {
    return this.#bytes.subarray(i * DIGEST, (i + 2) * DIGEST);
  }

  /** Appends a copy of `digest` (32 bytes). */
  push(digest: Uint8Array): void {
    this.#room().set(digest, this.#length++ * DIGEST);
  }

  /** Overwrites digest `i` (held) with a copy of `digest`, with no view of it made. */
  setAt(i: number, digest: Uint8Array): void {
    this.#bytes.set(digest, i * DIGEST);
  }

  /** Appends the digest `write` puts at `offset` of the buffer it is given. */
  pushInto(write: (out: Uint8Array, offset: number) => void): void {
    write(this.#room(), this.#length * DIGEST);
    this.#length += 1;
  }

  /** The buffer, grown (doubled) when full; views handed out earlier keep the old one. */
  #room(): Uint8Array {
    if ((this.#length + 1) * DIGEST > this.#bytes.length) {
      const bigger = new Uint8Array(this.#bytes.length * 2);
      bigger.set(this.#bytes);
      this.#bytes = bigger;
    }
    return this.#bytes;
  }
}
