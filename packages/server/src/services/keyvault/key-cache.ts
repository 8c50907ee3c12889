/**
 * Entries by key name and version, bounded (the oldest entry goes first). The loaded keys:
 * decrypting and parsing a key for every operation would cost more than the operation, and a
 * version's material never changes, so those entries need no revision; a purge drops its name.
 * The version cache (version-cache.ts) keeps its rows here too.
 */
import type { LoadedKey } from '@confide/keyvault';

export class KeyCache<T = LoadedKey> {
  readonly #entries = new Map<string, T>();
  constructor(private readonly limit = 1024) {}

  get(name: string, version: string): T | undefined {
    return this.#entries.get(`${name}/${version}`);
  }

  set(name: string, version: string, entry: T): void {
    if (this.#entries.size >= this.limit) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(`${name}/${version}`, entry);
  }

  dropName(name: string): void {
    for (const k of [...this.#entries.keys()]) if (k.startsWith(`${name}/`)) this.#entries.delete(k);
  }
}
