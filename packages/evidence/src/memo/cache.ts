/**
 * Small helpers for the verifiers' caches of verified and parsed evidence and collateral. Every
 * cache built on them remembers only successes, is bounded, and decides a hit on the exact bytes
 * (or the exact text), so a changed byte always misses and is checked afresh.
 */

/** From this length on, bytes are compared four at a time. */
const WORDWISE_FROM = 64;

/** Byte equality of public data (not constant-time: nothing here is secret). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  const n = a.length;
  if (n !== b.length) return false;
  let i = 0;
  // Cached certificates, CRLs and chains are compared on every hit: a word at a time is several
  // times faster than byte by byte, and exact (integers, unlike a float view).
  if (n >= WORDWISE_FROM) {
    const da = new DataView(a.buffer, a.byteOffset, n);
    const db = new DataView(b.buffer, b.byteOffset, n);
    for (const end = n - 3; i < end; i += 4) if (da.getInt32(i) !== db.getInt32(i)) return false;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Sets `key` in `map`, dropping the oldest entry first when the map holds `max` already. */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (!map.has(key) && map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/** A short cache key from bytes (one char per byte); the entry still holds the bytes that decide a hit. */
export function byteKey(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** Bytes a tail key samples: enough to tell signed objects (their signature ends them) and digests apart. */
const TAIL_KEY_BYTES = 48;

/**
 * A cache key from the length and the last bytes of `bytes`, for inputs of kilobytes whose whole
 * key would cost more to build and hash than a lookup saves. The entry must keep the bytes and a
 * hit must compare them (sameBytes): equal keys of different inputs only miss.
 */
export function tailKey(bytes: Uint8Array): string {
  return `${bytes.length}:${byteKey(bytes.subarray(-TAIL_KEY_BYTES))}`;
}
