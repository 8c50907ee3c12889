/**
 * The one cache of evidence verification, handed in as VerifyContext.cache (a default instance
 * serves callers that give none). It holds what recurs across verifications: parsed chains,
 * CRLs and collateral documents, imported keys, and signatures that verified. It is bounded by
 * entries and by bytes, evicts the oldest entry first, and scopes every verdict by
 * the crypto implementation that gave it: a caller's own `VerifyContext.crypto` that wrongly
 * says "valid" can only fool its own later calls, never a verification with other primitives.
 */

export interface VerifyCacheOptions {
  /** Most entries kept. Default 2048. */
  maxEntries?: number;
  /** Most bytes kept, as estimated by each entry's owner (the inputs it was computed from). Default 16 MiB. */
  maxBytes?: number;
}

interface Entry {
  region: Map<string, Entry>;
  key: string;
  value: unknown;
  bytes: number;
}

const DEFAULT_MAX_ENTRIES = 2048;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** The scope of verdicts given by the built-in WebCrypto primitives. */
export const WEBCRYPTO_SCOPE = 'w';

/**
 * Entries live in regions (one per kind of value, and per crypto scope for verdicts), so that a
 * key is the caller's own string (a document's text, whose hash V8 keeps) rather than a new
 * string built for each lookup; one age order and one budget span all regions.
 */
export class VerifyCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly #regions = new Map<string, Map<string, Entry>>();
  /** Every entry, oldest first. */
  readonly #order = new Set<Entry>();
  #bytes = 0;
  readonly #scopes = new WeakMap<object, string>();
  #nextScope = 0;
  readonly #derived = new WeakMap<object, Map<string, unknown>>();

  constructor(options: VerifyCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!(this.maxEntries >= 0) || !(this.maxBytes >= 0)) throw new RangeError('VerifyCache bounds must be non-negative');
  }

  /** Entries held. */
  get size(): number {
    return this.#order.size;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * A short id for a crypto implementation (an object), the same for the same object as long as
   * it lives: verdicts are stored under it, so no other implementation reads them.
   */
  scope(impl: object): string {
    let id = this.#scopes.get(impl);
    if (id === undefined) {
      id = `c${this.#nextScope++}`;
      this.#scopes.set(impl, id);
    }
    return id;
  }

  /**
   * The value under `key` in `region`; undefined when absent. A hit does not reorder entries:
   * the oldest entry leaves first (what recurs is put back at once), which keeps a hit to one
   * map lookup on the verification path.
   */
  get<T>(region: string, key: string): T | undefined {
    return this.#regions.get(region)?.get(key)?.value as T | undefined;
  }

  /**
   * Keeps `value` under `key` in `region`, charged `bytes`; the oldest entries leave until both
   * bounds hold. A value larger than the byte bound is not kept.
   */
  set(region: string, key: string, value: unknown, bytes: number): void {
    this.delete(region, key);
    if (bytes > this.maxBytes || this.maxEntries === 0) return;
    while (this.#order.size >= this.maxEntries || this.#bytes + bytes > this.maxBytes) this.#remove(this.#order.values().next().value!);
    let map = this.#regions.get(region);
    if (map === undefined) {
      map = new Map();
      this.#regions.set(region, map);
    }
    const entry: Entry = { region: map, key, value, bytes };
    map.set(key, entry);
    this.#order.add(entry);
    this.#bytes += bytes;
  }

  /** Removes `key` from `region`; with `value`, only while `key` still holds that value. */
  delete(region: string, key: string, ...value: [unknown?]): void {
    const hit = this.#regions.get(region)?.get(key);
    if (hit === undefined || (value.length > 0 && hit.value !== value[0])) return;
    this.#remove(hit);
  }

  /** Empties the cache. */
  clear(): void {
    this.#regions.clear();
    this.#order.clear();
    this.#bytes = 0;
  }

  #remove(entry: Entry): void {
    entry.region.delete(entry.key);
    this.#order.delete(entry);
    this.#bytes -= entry.bytes;
  }

  /**
   * A value derived from an object (a caller's CryptoKey, or crypto primitives) by `make`, kept
   * while the object lives (weakly held, so it costs nothing once the caller drops the object).
   */
  derived<T>(obj: object, kind: string, make: () => T): T {
    let byKind = this.#derived.get(obj);
    if (byKind === undefined) {
      byKind = new Map();
      this.#derived.set(obj, byKind);
    }
    if (byKind.has(kind)) return byKind.get(kind) as T;
    const value = make();
    byKind.set(kind, value);
    if (value instanceof Promise) value.catch(() => byKind.get(kind) === value && byKind.delete(kind));
    return value;
  }
}

/** The cache of every verification that brings none. */
export const defaultVerifyCache = new VerifyCache();
