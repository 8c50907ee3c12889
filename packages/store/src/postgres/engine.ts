/**
 * PostgreSQL engine over `pg` (node-postgres), for several replicas on one database. The driver
 * is imported when a PostgreSQL store is opened, so SQLite users never load it. Transactions run
 * at READ COMMITTED: each repository keeps its invariant in the statement (a conditional
 * UPDATE whose row lock orders writers, ON CONFLICT on a key) or takes an explicit lock first;
 * docs/store.md says which, per invariant. Deadlocks and serialization failures rerun the
 * transaction (counted by `retries()`).
 */
import type { ClientConfig, Pool } from 'pg';
import { StoreError } from '../errors.js';
import type { Migration, Repositories, Store } from '../port.js';
import { aroundEach } from '../queued.js';
import { SerialQueue } from '../serial-queue.js';
import { postgresMigrations } from './migrations.js';
import { migrate } from './migrate.js';
import { activationsOn } from './repositories/activations.js';
import { monotonicCountersOn } from './repositories/monotonic-counters.js';
import { auditLogOn } from './repositories/audit-log.js';
import { AuditChain } from './audit-chain.js';
import { ChainConnection } from './chain-connection.js';
import { deletedKeysOn } from './repositories/deleted-keys.js';
import { keyRotationPoliciesOn } from './repositories/key-rotation-policies.js';
import { keyVersionsOn } from './repositories/key-versions.js';
import { ledgerIdentityOn } from './repositories/ledger-identity.js';
import { ledgerTransactionsOn } from './repositories/ledger-transactions.js';
import { ledgerUsersOn } from './repositories/ledger-users.js';
import { managementCertificatesOn } from './repositories/management-certificates.js';
import { managementRequestsOn } from './repositories/management-requests.js';
import { policiesOn } from './repositories/policies.js';
import { sealedStateOn } from './repositories/sealed-state.js';
import { signingKeysOn } from './repositories/signing-keys.js';
import { vaultRootOn } from './repositories/vault-root.js';
import { clientSql, poolSql, storeErrorOf, transaction, type EngineStats, type Sql } from './sql.js';
import { connectTimeoutOfUrl, redactUrl, schemaOfUrl } from './url.js';

function repositoriesOn(sql: Sql, chain: AuditChain): Repositories {
  return {
    sealedState: sealedStateOn(sql),
    activations: activationsOn(sql),
    monotonicCounters: monotonicCountersOn(sql),
    auditLog: auditLogOn(sql, chain),
    policies: policiesOn(sql),
    managementCertificates: managementCertificatesOn(sql),
    signingKeys: signingKeysOn(sql),
    managementRequests: managementRequestsOn(sql),
    keyVersions: keyVersionsOn(sql),
    deletedKeys: deletedKeysOn(sql),
    keyRotationPolicies: keyRotationPoliciesOn(sql),
    vaultRoot: vaultRootOn(sql),
    ledgerTransactions: ledgerTransactionsOn(sql),
    ledgerIdentity: ledgerIdentityOn(sql),
    ledgerUsers: ledgerUsersOn(sql),
  };
}

export interface PostgresStoreOptions {
  /** A schema to keep the tables in (created if absent; default: the URL's `?schema=`, else the server's search_path, normally `public`). */
  schema?: string;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
  migrations?: Migration[];
  /** Open only a store that exists (a reading tool): a schema without Confide's tables is refused with ERR_STORE_UNAVAILABLE and nothing is created. */
  existing?: boolean;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens a PostgreSQL store at `url` (postgres://user:password@host:port/database) and migrates
 * it under an advisory lock, so replicas that start together migrate once. The password never
 * appears in an error message. Throws ERR_STORE_UNAVAILABLE, ERR_STORE_MIGRATION_FAILED,
 * ERR_CONFIG_INVALID (a bad schema name).
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const { maxConnections = 10, migrations = postgresMigrations } = options;
  const fromUrl = schemaOfUrl(url);
  const schema = options.schema ?? fromUrl.schema;
  const { url: driverUrl, connectTimeoutMs } = connectTimeoutOfUrl(fromUrl.url);
  url = driverUrl;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new StoreError('ERR_CONFIG_INVALID', `not a plain schema name: ${JSON.stringify(schema)}`);
  const { default: pg } = await import('pg');
  const connection = {
    connectionString: url,
    application_name: 'confide',
    // Statements go out without waiting for the answer to the one before (sql.ts).
    pipeline: true,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  };
  // Only opening a connection is bounded: the pool's own connectionTimeoutMillis would bound the
  // wait for a free one too, and a busy pool is not an unreachable server.
  const TimedClient = class extends pg.Client {
    constructor(config?: ClientConfig) {
      super({ ...config, connectionTimeoutMillis: connectTimeoutMs });
    }
  };
  let pool: Pool;
  try {
    pool = new pg.Pool({ ...connection, max: maxConnections, Client: TimedClient });
  } catch (err) {
    throw new StoreError('ERR_STORE_UNAVAILABLE', `cannot use the PostgreSQL URL ${redactUrl(url)}: ${(err as Error).message}`);
  }
  // An idle connection the server dropped is reported here; the next checkout opens a new one.
  pool.on('error', () => undefined);
  try {
    await migrate(pool, migrations, schema, options.existing);
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof StoreError) throw err;
    const mapped = storeErrorOf(err);
    if (mapped instanceof StoreError && mapped.code === 'ERR_STORE_UNAVAILABLE') {
      const silent = mapped.details?.['reason'] === 'connect-timeout' ? ` (no answer within ${connectTimeoutMs / 1000} s; the URL's connect_timeout sets this)` : '';
      throw new StoreError('ERR_STORE_UNAVAILABLE', `cannot reach PostgreSQL at ${redactUrl(url)}${silent}`, { cause: err });
    }
    throw mapped;
  }

  const stats: EngineStats = { retries: 0, open: 0 };
  const chain = new AuditChain();
  // Its own name, so an operator can tell it from the pool's connections (pg_stat_activity).
  const chainConnection = new ChainConnection(TimedClient, { ...connection, application_name: 'confide-audit-chain' });
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new StoreError('ERR_STORE_UNAVAILABLE', 'the store is closed');
  };
  const outside = aroundEach(repositoriesOn(poolSql(pool, stats), chain), async (call) => {
    ensureOpen();
    return call();
  });

  return {
    engine: 'postgres',
    ...outside,
    async tx(fn) {
      ensureOpen();
      return transaction(pool, stats, async (open) => {
        // A caller may start several repository calls at once: they take turns on the one connection, so savepoints nest.
        const queue = new SerialQueue();
        let over = false;
        const repos = aroundEach(repositoriesOn(clientSql(open), chain), (call) =>
          queue.run(() => {
            if (over) throw new StoreError('ERR_STORE_UNAVAILABLE', 'the transaction is over');
            return call();
          }),
        );
        try {
          return await fn(repos);
        } finally {
          await queue.run(async () => {
            over = true;
          });
        }
      }, chainConnection);
    },
    async ping() {
      ensureOpen();
      try {
        await pool.query('SELECT 1');
      } catch (err) {
        throw new StoreError('ERR_STORE_UNAVAILABLE', 'the store does not answer', { cause: err });
      }
    },
    async schemaVersion() {
      ensureOpen();
      const { rows } = await pool.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
      return rows[0]?.v ?? 0;
    },
    retries: () => stats.retries,
    async close() {
      if (closed) return;
      closed = true;
      await chainConnection.close();
      await pool.end();
    },
  };
}
