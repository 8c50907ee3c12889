/**
 * node:crypto for the ledger: synchronous SHA-256 by the one-shot `crypto.hash` and HMAC built on
 * it (WebCrypto's async calls cost a thread-pool round trip per hash, ten per append), and random
 * bytes cut from a pooled buffer (one getrandom call per 64 KiB instead of two per append).
 *
 * The hashes read `hash`'s string output (node-hash.ts). Concatenations and HMAC work in one scratch buffer per crypto object
 * (the calls are synchronous, so nothing else uses it meanwhile) instead of fresh arrays per call; a
 * lone part is hashed where it is (`hash` takes text as UTF-8 itself), with no copy and no view of the scratch.
 */
import { createHmac, randomFillSync } from 'node:crypto';
import type { LedgerCrypto } from '@confide/ledger';
import { hashBytes, hashInto } from '../node-hash.js';

const POOL_BYTES = 64 * 1024;
const BLOCK = 64;

/** SHA-256 of `data` (text as UTF-8) written into `out` at `offset`. */
const sha256Into = (data: Uint8Array | string, out: Uint8Array, offset: number): void => void hashInto('sha256', data, out, offset);
const sha256 = (data: Uint8Array): Uint8Array => hashBytes('sha256', data);

type Part = Uint8Array | string;

/**
 * SHA-256 of parts and HMAC-SHA256 (RFC 2104: H((K ^ opad) ‖ H((K ^ ipad) ‖ m)), as two one-shot
 * hashes, for keys up to a block, the ledger's being 32 bytes; createHmac for longer ones), each
 * written into one scratch buffer (text as UTF-8) and hashed from there: no array per part, per
 * concatenation or per encoding. Checked against createHash and createHmac.
 */
interface ScratchHashes {
  sha256PartsInto(parts: readonly Part[], out: Uint8Array, offset: number): void;
  hmacSha256Into(key: Uint8Array, data: Part, out: Uint8Array, offset: number): void;
}

function scratchHashes(): ScratchHashes {
  let scratch = Buffer.allocUnsafe(4096);
  const outer = new Uint8Array(BLOCK + 32);
  /** Room for `n` bytes, keeping the first `kept`. */
  const room = (n: number, kept: number): void => {
    if (scratch.length >= n) return;
    const bigger = Buffer.allocUnsafe(Math.max(n, scratch.length * 2));
    scratch.copy(bigger, 0, 0, kept);
    scratch = bigger;
  };
  /** Writes `p` at `at`; returns where the next part goes. */
  const put = (p: Part, at: number): number => {
    if (typeof p === 'string') {
      room(at + p.length * 3, at);
      return at + scratch.write(p, at, 'utf8');
    }
    room(at + p.length, at);
    scratch.set(p, at);
    return at + p.length;
  };
  return {
    sha256PartsInto(parts, out, offset) {
      if (parts.length === 1) {
        sha256Into(parts[0]!, out, offset);
        return;
      }
      let at = 0;
      for (const p of parts) at = put(p, at);
      sha256Into(scratch.subarray(0, at), out, offset);
    },
    hmacSha256Into(key, data, out, offset) {
      if (key.length > BLOCK) {
        out.set(createHmac('sha256', key).update(data).digest(), offset);
        return;
      }
      scratch.fill(0x36, 0, BLOCK);
      outer.fill(0x5c, 0, BLOCK);
      for (let i = 0; i < key.length; i++) {
        scratch[i] = 0x36 ^ key[i]!;
        outer[i] = 0x5c ^ key[i]!;
      }
      const end = put(data, BLOCK);
      sha256Into(scratch.subarray(0, end), outer, BLOCK);
      sha256Into(outer, out, offset);
    },
  };
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

/** A LedgerCrypto over node:crypto; each call site gets its own random pool and scratch buffer. */
export function nodeLedgerCrypto(): LedgerCrypto {
  const { sha256PartsInto, hmacSha256Into } = scratchHashes();
  const sha256Of = (parts: readonly Part[]): Uint8Array => {
    const out = new Uint8Array(32);
    sha256PartsInto(parts, out, 0);
    return out;
  };
  const hmacSha256Of = (key: Uint8Array, data: Part): Uint8Array => {
    const out = new Uint8Array(32);
    hmacSha256Into(key, data, out, 0);
    return out;
  };
  return {
    sha256,
    sha256Into,
    sha256Of,
    sha256PartsInto,
    hmacSha256: hmacSha256Of,
    hmacSha256Of,
    hmacSha256Into,
    randomBytes: pooledRandom(),
  };
}
