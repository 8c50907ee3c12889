/**
 * The PostgreSQL engine's statement runner. Repositories see one small interface, `Sql`, over
 * either the pool (each call autocommits; `atomic` opens a transaction) or the connection of an
 * open `tx()` (`atomic` is a savepoint, so a refused write can be caught and the rest commits).
 * Deadlocks and serialization failures retry the whole transaction, counted in `stats`.
 */
import type { Pool, PoolClient } from 'pg';
import { StoreError } from '../errors.js';

export interface QueryRows<R> {
  rows: R[];
  rowCount: number;
}

export interface Sql {
  /** True on the connection of an open transaction (a lock taken now is held until it ends). */
  readonly inTransaction: boolean;
  /** One statement (prepared once per connection and reused). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryRows<R>>;
  /** Runs `fn` all-or-nothing: its own transaction on the pool, a savepoint inside a transaction. */
  atomic<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one transaction, adding no savepoint inside one: for steps that undo their own
   * partial work (they never throw between two writes), so the hot path spends no round trips.
   */
  together<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
}

/** What the engine counts: transactions run again after a deadlock or serialization failure. */
export interface EngineStats {
  retries: number;
}

/** SQLSTATEs after which the transaction is run again: serialization_failure, deadlock_detected. */
const RETRYABLE = new Set(['40001', '40P01']);
/** Node socket errors and SQLSTATE classes that mean the server cannot be reached or went away. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN', '53300', '3D000', '28P01', '28000']);
const ATTEMPTS = 10;

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isRetryable(err: unknown): boolean {
  return RETRYABLE.has(sqlState(err) ?? '');
}

/** A driver error as the store's: unreachable -> ERR_STORE_UNAVAILABLE, a constraint -> ERR_STORE_CONFLICT; retryable ones stay raw for the retry loop. */
export function storeErrorOf(err: unknown): unknown {
  const code = sqlState(err);
  if (code !== undefined && RETRYABLE.has(code)) return err;
  if (code !== undefined && (UNREACHABLE.has(code) || code.startsWith('08') || code.startsWith('57P'))) {
    return new StoreError('ERR_STORE_UNAVAILABLE', `the PostgreSQL server cannot be reached (${code})`, { cause: err });
  }
  if (code !== undefined && code.startsWith('23')) {
    return new StoreError('ERR_STORE_CONFLICT', `the write breaks a constraint (${code})`, { details: { reason: 'constraint' }, cause: err });
  }
  if (err instanceof Error && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(err.message)) {
    return new StoreError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL connection was lost', { cause: err });
  }
  return err;
}

// One name per statement text, so each connection parses a statement once and then only binds.
const names = new Map<string, string>();
function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `confide_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

type Queryable = Pick<Pool, 'query'> | PoolClient;

async function run<R>(on: Queryable, text: string, params: readonly unknown[] = []): Promise<QueryRows<R>> {
  try {
    const result = await on.query({ name: nameOf(text), text, values: params as unknown[] });
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  } catch (err) {
    throw storeErrorOf(err);
  }
}

/** Runs `attempt` again after a retryable failure, up to ATTEMPTS times, with a short random pause. */
export async function withRetry<T>(stats: EngineStats, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (n >= ATTEMPTS) {
        throw new StoreError('ERR_STORE_CONFLICT', `the transaction kept conflicting with concurrent ones (${sqlState(err)}) after ${n} attempts`, { details: { reason: 'retries' }, cause: err });
      }
      stats.retries += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * n));
    }
  }
}

/** Statements on the connection of an open transaction. */
export function clientSql(client: PoolClient): Sql {
  let savepoints = 0;
  const sql: Sql = {
    inTransaction: true,
    query: (text, params) => run(client, text, params),
    async atomic(fn) {
      const name = `confide_sp${++savepoints}`;
      await run(client, `SAVEPOINT ${name}`);
      try {
        const out = await fn(sql);
        await run(client, `RELEASE SAVEPOINT ${name}`);
        return out;
      } catch (err) {
        await run(client, `ROLLBACK TO SAVEPOINT ${name}`);
        throw err;
      }
    },
    together: (fn) => fn(sql),
  };
  return sql;
}

/** Checks out a connection, mapping a failure to connect to ERR_STORE_UNAVAILABLE. */
export async function connect(pool: Pool): Promise<PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    const mapped = storeErrorOf(err);
    throw mapped === err ? new StoreError('ERR_STORE_UNAVAILABLE', `cannot connect to PostgreSQL: ${(err as Error).message}`, { cause: err }) : mapped;
  }
}

/** One transaction on a pooled connection, retried as a whole after a deadlock or serialization failure. */
export function transaction<T>(pool: Pool, stats: EngineStats, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withRetry(stats, async () => {
    const client = await connect(pool);
    let broken: Error | undefined;
    try {
      await run(client, 'BEGIN');
      try {
        const result = await fn(client);
        await run(client, 'COMMIT');
        return result;
      } catch (err) {
        await run(client, 'ROLLBACK').catch((rollbackErr: unknown) => {
          broken = rollbackErr as Error;
        });
        throw err;
      }
    } finally {
      // A connection whose rollback failed is in an unknown state: the pool drops it.
      client.release(broken);
    }
  });
}

/** Statements on the pool: each call autocommits, `atomic`/`together` open a transaction. */
export function poolSql(pool: Pool, stats: EngineStats): Sql {
  const inTransaction = <T>(fn: (sql: Sql) => Promise<T>): Promise<T> => transaction(pool, stats, (client) => fn(clientSql(client)));
  return {
    inTransaction: false,
    query: (text, params) => withRetry(stats, () => run(pool, text, params)),
    atomic: inTransaction,
    together: inTransaction,
  };
}
