/**
 * A throw-away PostgreSQL server for tests and benchmarks: `CONFIDE_TEST_POSTGRES_URL` when set,
 * else a cluster made by the server binaries of this machine (Debian's postgresql package puts
 * them in /usr/lib/postgresql/<major>/bin) in a temporary directory, listening on loopback only,
 * trusting local connections, stopped and removed by `stop()` (or at process exit). PostgreSQL
 * refuses to run as root: as root, its commands run as the `postgres` user through runuser.
 * Without binaries, `skip` names what is missing and the tests skip with it.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './process/port.js';

/** The oldest server major version the store supports. */
const MIN_MAJOR = 15;
const TOOLS = ['initdb', 'pg_ctl', 'postgres'];

export interface TestPostgres {
  /** Why PostgreSQL tests cannot run here (undefined when they can). */
  skip: string | undefined;
  /** A URL of a running server, started on first call. */
  url(): Promise<string>;
  /** Stops and removes a cluster this helper started; nothing for CONFIDE_TEST_POSTGRES_URL. */
  stop(): Promise<void>;
  /**
   * Restarts the cluster this helper started as a crash would (immediate shutdown: open
   * connections break, in-flight transactions abort, recovery runs at start) on the same port.
   * Throws for CONFIDE_TEST_POSTGRES_URL, a server this helper does not control.
   */
  restart(): Promise<void>;
}

/** The bin directory of the newest installed server >= 15 with every tool, or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  const explicit = process.env.CONFIDE_POSTGRES_BIN;
  const candidates = explicit ? [explicit] : existsSync(root) ? readdirSync(root).filter((v) => Number(v) >= MIN_MAJOR).sort((a, b) => Number(b) - Number(a)).map((v) => join(root, v, 'bin')) : [];
  return candidates.find((dir) => TOOLS.every((tool) => existsSync(join(dir, tool))));
}

/** uid and gid of the `postgres` account, from /etc/passwd. */
function postgresAccount(): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (line === undefined) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function whyNot(bin: string | undefined): string | undefined {
  if (process.env.CONFIDE_TEST_POSTGRES_URL) return undefined;
  if (bin === undefined) {
    return `no PostgreSQL >= ${MIN_MAJOR} server binaries (${TOOLS.join(', ')}) in /usr/lib/postgresql/<major>/bin or CONFIDE_POSTGRES_BIN: install Debian's postgresql package, or set CONFIDE_TEST_POSTGRES_URL to a server`;
  }
  if (process.getuid?.() === 0) {
    if (postgresAccount() === undefined) return 'running as root, and PostgreSQL refuses root: no postgres account in /etc/passwd to run the server as';
    if (!existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) return 'running as root, and PostgreSQL refuses root: runuser (util-linux) is missing';
  }
  return undefined;
}

/** The server for this test process (one per process, started lazily). */
export function testPostgres(): TestPostgres {
  const bin = postgresBinDir();
  const skip = whyNot(bin);
  const given = process.env.CONFIDE_TEST_POSTGRES_URL;
  let started: Promise<{ url: string; dir: string }> | undefined;
  let stopSync: (() => void) | undefined;
  let restartSync: (() => void) | undefined;

  const asServer = process.getuid?.() === 0 ? postgresAccount() : undefined;
  const run = (tool: string, args: string[]): SpawnSyncReturns<string> => {
    const command = join(bin!, tool);
    return asServer ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
  };
  const must = (tool: string, args: string[]): void => {
    const r = run(tool, args);
    if (r.status !== 0) throw new Error(`${tool} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  };

  const start = async (): Promise<{ url: string; dir: string }> => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-pg-'));
    if (asServer) chownSync(dir, asServer.uid, asServer.gid);
    const data = join(dir, 'data');
    must('initdb', ['-D', data, '-U', 'confide', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      // Throw-away data: no fsync. Loopback only; the socket in the cluster's own directory.
      const settings = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c fsync=off -c full_page_writes=off -c max_connections=300`;
      const r = run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '120', '-o', settings, 'start']);
      if (r.status === 0) {
        stopSync = () => {
          run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
          rmSync(dir, { recursive: true, force: true });
        };
        // pg_ctl restart reuses the options of the last start (postmaster.opts): same port and socket.
        restartSync = () => must('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-m', 'immediate', '-w', '-t', '120', 'restart']);
        process.once('exit', () => stopSync?.());
        return { url: `postgres://confide@127.0.0.1:${port}/postgres`, dir };
      }
      // Another process took the port between freePort and the server's bind: try another.
      if (attempt >= 3) {
        const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`pg_ctl start failed: ${r.stderr}\n${log}`);
      }
    }
  };

  return {
    skip,
    async url() {
      if (skip !== undefined) throw new Error(skip);
      if (given) return given;
      started ??= start();
      return (await started).url;
    },
    async restart() {
      if (given) throw new Error('CONFIDE_TEST_POSTGRES_URL names a server this helper does not control: it cannot restart it');
      await this.url();
      restartSync!();
    },
    async stop() {
      if (started === undefined) return;
      await started.catch(() => undefined);
      const stopNow = stopSync;
      stopSync = undefined;
      stopNow?.();
    },
  };
}

/** A fresh schema name for one test's tables. */
export function freshSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** Runs `sql` once on a connection of its own (setup and clean-up outside the store under test). */
export async function rawQuery<R = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Drops `schema` with everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  await rawQuery(url, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
