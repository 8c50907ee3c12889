/**
 * Key versions as the operations read them (the stored row and its parsed description), kept in
 * memory only while this process is the store's one writer (SQLite: one process): then a version
 * changes only through KeyVaultService, which drops the name after each write. A read that was under
 * way while a name was dropped is not kept (the generation moved on), so no write is ever followed
 * by an answer from the row before it. Nothing here is key material in clear: the row's material
 * is still sealed under the root key. Bounded: the oldest entry goes first.
 */
import type { KeyVersionMeta } from '@confide/keyvault';
import type { KeyVersionRow } from '@confide/store';
import { KeyCache } from './key-cache.js';

export interface CachedVersion {
  row: KeyVersionRow;
  meta: KeyVersionMeta;
}

export class VersionCache {
  readonly #entries: KeyCache<CachedVersion>;
  #generation = 0;

  constructor(limit = 1024) {
    this.#entries = new KeyCache(limit);
  }

  get(name: string, version: string): CachedVersion | undefined {
    return this.#entries.get(name, version);
  }

  /** The generation a read starts in: give it to set() with what the read found. */
  get generation(): number {
    return this.#generation;
  }

  /** Keeps `entry` unless a name was dropped since the read began in `generation`. */
  set(entry: CachedVersion, generation: number): void {
    if (generation === this.#generation) this.#entries.set(entry.row.name, entry.row.version, entry);
  }

  /** Forgets every version of `name` (after a write to it), and every read under way. */
  dropName(name: string): void {
    this.#generation++;
    this.#entries.dropName(name);
  }
}
