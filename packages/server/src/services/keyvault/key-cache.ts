/**
 * Loaded keys by name and version: decrypting and parsing a key for every operation would cost
 * more than the operation. A version's material never changes, so entries need no revision;
 * a purge drops its name. Bounded: the oldest entry goes first.
 */
import type { LoadedKey } from '@confide/keyvault';

export class KeyCache {
  readonly #entries = new Map<string, LoadedKey>();
  constructor(private readonly limit = 1024) {}

  get(name: string, version: string): LoadedKey | undefined {
    return this.#entries.get(`${name}/${version}`);
  }

  set(name: string, version: string, key: LoadedKey): void {
    if (this.#entries.size >= this.limit) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(`${name}/${version}`, key);
  }

  dropName(name: string): void {
    for (const k of [...this.#entries.keys()]) if (k.startsWith(`${name}/`)) this.#entries.delete(k);
  }
}
