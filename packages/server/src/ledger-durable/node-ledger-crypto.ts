/**
 * node:crypto for the ledger: synchronous SHA-256 (the one-shot `crypto.hash`, about half the
 * cost of a Hash object for inputs this small) and HMAC (WebCrypto's async calls cost a
 * thread-pool round trip per hash, ten per append), and random bytes cut from a pooled buffer
 * (one getrandom call per 64 KiB instead of two per append).
 */
import { createHmac, hash, randomFillSync } from 'node:crypto';
import type { LedgerCrypto } from '@confide/ledger';

const POOL_BYTES = 64 * 1024;
const BLOCK = 64;

const sha256 = (data: Uint8Array): Uint8Array => hash('sha256', data, 'buffer');

/**
 * HMAC-SHA256 (RFC 2104) as two one-shot hashes: H((K ^ opad) ‖ H((K ^ ipad) ‖ m)), for keys up
 * to a block (the ledger's are 32 bytes); createHmac for longer ones. Checked against createHmac.
 */
function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length > BLOCK) return createHmac('sha256', key).update(data).digest();
  const inner = new Uint8Array(BLOCK + data.length);
  const outer = new Uint8Array(BLOCK + 32);
  inner.fill(0x36, 0, BLOCK);
  outer.fill(0x5c, 0, BLOCK);
  for (let i = 0; i < key.length; i++) {
    inner[i] = 0x36 ^ key[i]!;
    outer[i] = 0x5c ^ key[i]!;
  }
  inner.set(data, BLOCK);
  outer.set(sha256(inner), BLOCK);
  return sha256(outer);
}

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
    sha256,
    hmacSha256,
    randomBytes: pooledRandom(),
  };
}
