/**
 * Small helpers for the verifiers' caches of verified and parsed evidence and collateral. Every
 * cache built on them remembers only successes, is bounded, and decides a hit on the exact bytes
 * (or the exact text), so a changed byte always misses and is checked afresh.
 */

/** Byte equality of public data (not constant-time: nothing here is secret). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
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
