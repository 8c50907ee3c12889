/**
 * The storage port: typed repositories plus `tx(fn)`. Engines (SQLite embedded, PostgreSQL for
 * several replicas) implement it; one contract suite runs on each. Key material is encrypted
 * by the caller before it reaches a repository.
 */

/** A JSON value kept under a key (instance settings, generated keys' wrapped forms, ...). */
export interface SettingsRepository {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Inserts or replaces. */
  put(key: string, value: unknown): Promise<void>;
  /** Inserts only when absent; returns false when the key already exists. */
  putIfAbsent(key: string, value: unknown): Promise<boolean>;
  /** Returns true when a row was deleted. */
  delete(key: string): Promise<boolean>;
  /** Keys starting with `prefix`, in key order. */
  list(prefix: string): Promise<Array<{ key: string; value: unknown }>>;
  /** How many keys start with `prefix`, without reading their values. */
  count(prefix: string): Promise<number>;
}

/** The repositories, as seen inside or outside a transaction. */
export interface Repositories {
  settings: SettingsRepository;
}

export interface Store extends Repositories {
  /** Engine name, for /readyz and logs. */
  readonly engine: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one transaction: all its writes land or none do. A throw rolls back and
   * rethrows. Transactions never interleave their writes.
   */
  tx<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  /** Throws ERR_STORE_UNAVAILABLE when the store cannot answer. */
  ping(): Promise<void>;
  /** The applied schema version. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

/** A numbered migration for one dialect. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
