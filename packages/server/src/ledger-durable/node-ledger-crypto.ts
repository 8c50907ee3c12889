/**
 * node:crypto for the ledger: synchronous SHA-256 and HMAC (WebCrypto's async calls cost a
 * thread-pool round trip per hash, several per append) and random bytes cut from a pooled buffer
 * (one getrandom call per 64 KiB instead of two per append).
 */
import { createHash, createHmac, randomFillSync } from 'node:crypto';
import type { LedgerCrypto } from '@confide/ledger';

const POOL_BYTES = 64 * 1024;

function pooledRandom(): (n: number) => Uint8Array {
  let pool = new Uint8Array(0);
  let offset = 0;
  return (n) => {
    if (n > POOL_BYTES) return randomFillSync(new Uint8Array(n));
    if (offset + n > pool.length) {
      // A fresh pool each time: handed-out slices are never overwritten.
      pool = randomFillSync(new Uint8Array(POOL_BYTES));
      offset = 0;
    }
    const out = pool.subarray(offset, offset + n);
    offset += n;
    return out;
  };
}

/** A LedgerCrypto over node:crypto; each call site gets its own random pool. */
export function nodeLedgerCrypto(): LedgerCrypto {
  return {
    sha256: (data) => createHash('sha256').update(data).digest(),
    hmacSha256: (key, data) => createHmac('sha256', key).update(data).digest(),
    randomBytes: pooledRandom(),
  };
}
