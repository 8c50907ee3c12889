/**
 * The PostgreSQL engine's statement runner. Repositories see one small interface, `Sql`, over
 * either the pool (each call autocommits; `atomic` opens a transaction) or the connection of an
 * open `tx()` (`atomic` is a savepoint, so a refused write can be caught and the rest commits).
 * Deadlocks and serialization failures retry the whole transaction, counted in `stats`.
 * Connections pipeline (pg's `pipeline` mode): BEGIN goes out with a transaction's first
 * statement, and a write given to `TxHooks.send` with its COMMIT, each pair in one write; once its
 * statements are prepared on the connection, a write is one batch with one Sync (batch.ts). A
 * transaction that took its turn at the audit chain on a trusted head and wrote nothing before its
 * commit commits through the chain connection instead (chain-connection.ts).
 */
import type { Pool, PoolClient } from 'pg';
import { expectationFailed, StoreError } from '../errors.js';
import { allParsed, sendBatch, type Answer, type SentBatch } from './batch.js';
import type { ChainConnection } from './chain-connection.js';
import { TxConnection } from './tx-connection.js';

export interface QueryRows<R> {
  rows: R[];
  rowCount: number;
}

/** What an open transaction offers a repository beyond statements. */
export interface TxHooks {
  /**
   * Sends `text` with the transaction's next write without waiting for its answer: for its last
   * write, which then shares a round trip with the COMMIT behind it (pipelined), or a check whose
   * answer only confirms what the caller expects (Sql.expect). If it fails,
   * the transaction fails with its error: PostgreSQL answers the COMMIT of a failed transaction
   * with a rollback. So it must fail (raise), not merely change nothing, when it is refused.
   * Resolves (never rejects) once the server answered it, or the transaction ended without it.
   */
  send(text: string, params: readonly unknown[]): Promise<void>;
  /**
   * The lock on the token of a turn taken on a trusted head (audit-chain.ts): as `send`, but ahead
   * of every statement `send` left, and answered apart from them (batch.ts: a Flush after it), so
   * its answer waits for none of their row locks. If nothing else is written before the commit,
   * the commit may go through the chain connection, where the order of the connection stands in
   * for the lock: it is then left out, and settles once the commit was sent.
   */
  sendTurnToken(text: string, params: readonly unknown[]): Promise<void>;
  /**
   * Before a turn taken on a trusted head with nothing written yet (TxHooks.sendTurnToken): unless
   * the audit chain's connection would take the commit now (what `send` left, and `texts`, the
   * statements still to come), the transaction checks out its own connection first. A turn must
   * never wait for the pool: the transactions queued behind it may hold every pooled connection
   * (those that read before they append), and one of them waits for its token. Should the chain's
   * connection fail it at the commit all the same, the transaction runs again rather than wait.
   */
  beforeGuessedTurn(texts: readonly string[]): Promise<void>;
  /** Whether no other transaction of this store is open now (one that may queue behind this one). */
  alone(): boolean;
  /**
   * Writes what `send` left (with BEGIN the first time) now and resolves once every statement
   * sent so far was answered (never rejects: a failure is reported by the commit). For a
   * transaction about to queue for a turn (the audit chain's) in which it waits for an answer: it
   * then holds every lock its statements wait for, and never waits for one of them while a turn it
   * holds keeps another transaction of this process from going on (which may hold that lock: a
   * deadlock the server cannot see).
   */
  settle(): Promise<void>;
  /** Runs `fn` once, as soon as the COMMIT or ROLLBACK is sent (before its answer). */
  whenClosing(fn: () => void): void;
  /** Runs `fn` once if the transaction does not commit. */
  whenFailed(fn: () => void): void;
  /** Runs `fn` once the transaction ended at the server (its COMMIT or ROLLBACK answered, or its connection given up), at once if it has. */
  whenEnded(fn: () => void): void;
}

export interface Sql {
  /** The open transaction's hooks; undefined on the pool (so defined means a lock taken now is held until the transaction ends). */
  readonly tx: TxHooks | undefined;
  /** One statement (prepared once per connection and reused). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryRows<R>>;
  /** Several statements in one write and one round trip, in order (in a transaction: the pool's opens one). */
  all<R = Record<string, unknown>>(statements: ReadonlyArray<readonly [string, readonly unknown[]]>): Promise<Array<QueryRows<R>>>;
  /** Runs `fn` all-or-nothing: its own transaction on the pool, a savepoint inside a transaction. */
  atomic<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one transaction, adding no savepoint inside one: for steps that undo their own
   * partial work (they never throw between two writes), so the hot path spends no round trips.
   */
  together<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * Runs `text`, a statement that fails through confide_expect (migration 7) when what the caller
   * expects does not hold. In a transaction it is sent with the transaction's next write, without
   * waiting for its answer (TxHooks.send): its failure fails the transaction, and comes from the
   * next statement or the commit. On the pool it runs at once.
   */
  expect(text: string, params: readonly unknown[]): Promise<void>;
}

/** What the engine counts: transactions run again after a deadlock or serialization failure, and transactions open now. */
export interface EngineStats {
  retries: number;
  open: number;
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

/** An error that makes the engine run the whole transaction again (as a serialization failure does), for a step that finds it cannot go on as it began. */
export function rerunError(reason: string): Error {
  return Object.assign(new Error(`the transaction runs again: ${reason}`), { code: '40001' });
}

/** confide_expect's SQLSTATE (migration 7): an expectation the caller stated did not hold. */
const EXPECTATION = 'CF001';

/** A driver error as the store's: unreachable -> ERR_STORE_UNAVAILABLE, a constraint or a failed expectation -> ERR_STORE_CONFLICT; retryable ones stay raw for the retry loop. */
export function storeErrorOf(err: unknown): unknown {
  const code = sqlState(err);
  if (code !== undefined && RETRYABLE.has(code)) return err;
  if (code === EXPECTATION) return expectationFailed((err as Error).message, err);
  if (code !== undefined && (UNREACHABLE.has(code) || code.startsWith('08') || code.startsWith('57P'))) {
    return new StoreError('ERR_STORE_UNAVAILABLE', `the PostgreSQL server cannot be reached (${code})`, { cause: err });
  }
  if (code !== undefined && code.startsWith('23')) {
    return new StoreError('ERR_STORE_CONFLICT', `the write breaks a constraint (${code})`, { details: { reason: 'constraint' }, cause: err });
  }
  // pg's words when a connection did not open within its connectionTimeoutMillis (the URL's connect_timeout, url.ts).
  if (err instanceof Error && err.message === 'timeout expired') {
    return new StoreError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL server did not answer in time to open a connection (connect_timeout)', { details: { reason: 'connect-timeout' }, cause: err });
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

type Answered<R> = QueryRows<R> & { command: string };

function answeredOf<R>(result: Answer): Answered<R> {
  return { rows: result.rows as R[], rowCount: result.rowCount ?? 0, command: result.command };
}

async function run<R>(on: Queryable, text: string, params: readonly unknown[] = []): Promise<Answered<R>> {
  try {
    return answeredOf(await on.query({ name: nameOf(text), text, values: params as unknown[] }));
  } catch (err) {
    throw storeErrorOf(err);
  }
}

interface Queued {
  text: string;
  params: readonly unknown[];
  /** Its answer is awaited by another transaction: it reaches this process before the statements behind it ran (batch.ts). */
  first?: boolean;
  /** The lock on a turn's token (TxHooks.sendTurnToken), which a commit through the chain connection leaves out. */
  turnToken?: boolean;
}

/**
 * `statements` on a transaction's connection, in order: one batch with one Sync (batch.ts) once
 * every one of them is prepared on the connection, else one query each (which prepares them).
 */
function runAll(client: PoolClient, statements: readonly Queued[]): Array<Promise<Answered<Record<string, unknown>>>> {
  const batch = named(statements);
  if (batch.length < 2 || !allParsed(client, batch)) return statements.map((s) => run(client, s.text, s.params));
  return answersOf(sendBatch(client, batch));
}

/** A batch's answers as the store's (storeErrorOf on failure). */
function answersOf(sent: SentBatch): Array<Promise<Answered<Record<string, unknown>>>> {
  return sent.answers.map((answer) =>
    answer.then(answeredOf<Record<string, unknown>>, (err: unknown) => {
      throw storeErrorOf(err);
    }),
  );
}

/** `statements` with their prepared-statement names. */
function named(statements: readonly Queued[]): Array<{ name: string; text: string; params: readonly unknown[]; flush: boolean }> {
  return statements.map((s) => ({ name: nameOf(s.text), text: s.text, params: s.params, flush: s.first === true }));
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
export function clientSql(tx: OpenTransaction): Sql {
  let savepoints = 0;
  const sql: Sql = {
    tx,
    query: (text, params) => tx.query(text, params),
    all: (statements) => tx.all(statements),
    async atomic(fn) {
      const name = `confide_sp${++savepoints}`;
      await tx.query(`SAVEPOINT ${name}`);
      try {
        const out = await fn(sql);
        await tx.query(`RELEASE SAVEPOINT ${name}`);
        return out;
      } catch (err) {
        await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw err;
      }
    },
    together: (fn) => fn(sql),
    async expect(text, params) {
      void tx.send(text, params);
    },
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

/**
 * One open transaction on a pipelining connection, checked out at its first write
 * (tx-connection.ts). BEGIN is not a round trip of its own: it goes out with the first
 * statement, in one write (the socket is corked around them). A statement given to `send` waits
 * for the next write: the next statement's, or the COMMIT's.
 */
export class OpenTransaction implements TxHooks {
  readonly #connection: TxConnection;
  #begun = false;
  readonly #stats: EngineStats;
  readonly #chain: ChainConnection | undefined;
  #unsent: Array<Queued & { answered: () => void }> = [];
  readonly #sent: Promise<unknown>[] = [];
  #closing: Array<() => void> = [];
  #failed: Array<() => void> = [];
  #ended: Array<() => void> | undefined = [];
  /** The first failure among statements sent without waiting: the server fails every statement after it. */
  #firstFailure: unknown;

  constructor(connection: TxConnection, stats: EngineStats, chain?: ChainConnection) {
    this.#connection = connection;
    this.#stats = stats;
    this.#chain = chain;
  }

  /** Writes BEGIN (the first time), what `send` left, and `last`, in one write; resolves to `last`'s answer. */
  #write<R>(last: string, params: readonly unknown[] = []): Promise<Answered<R>> {
    return this.#connection.corked(() => this.#unload({ text: last, params }) as Promise<Answered<R>>);
  }

  /** Hands the driver BEGIN (the first time), what `send` left and `last` (if any); returns `last`'s answer. */
  #unload(last?: Queued): Promise<Answered<Record<string, unknown>>> | undefined {
    // A turn taken without a connection (beforeGuessedTurn) never waits for the pool: it runs again.
    if (!this.#connection.checkedOut && this.#unsent.some((s) => s.turnToken)) throw rerunError('the audit chain connection cannot take this commit now');
    const unsent = this.#unsent.splice(0);
    const statements: Queued[] = [...(this.#begun ? [] : [{ text: 'BEGIN', params: [] }]), ...unsent, ...(last ? [last] : [])];
    const answers = this.#connection.write(statements.length, (client) => runAll(client, statements));
    const lastAnswer = last ? answers.pop() : undefined;
    if (!this.#begun) {
      this.#begun = true;
      this.#track(answers.shift()!);
    }
    answers.forEach((answer, i) => {
      this.#track(answer);
      answer.then(unsent[i]!.answered, unsent[i]!.answered);
    });
    return lastAnswer;
  }

  async settle(): Promise<void> {
    if (this.#unsent.length > 0) this.#connection.corked(() => this.#unload());
    await Promise.allSettled(this.#sent);
  }

  #track(answer: Promise<unknown>): void {
    // Read at commit; a statement after a failed one fails too.
    answer.catch((err: unknown) => {
      this.#firstFailure ??= err;
    });
    this.#sent.push(answer);
  }

  /** A statement that failed because one sent before it did (the transaction is aborted) reports that one's failure. */
  async query<R>(text: string, params?: readonly unknown[]): Promise<QueryRows<R>> {
    try {
      return await this.#write<R>(text, params);
    } catch (err) {
      throw this.#firstFailure ?? err;
    }
  }

  all<R>(statements: ReadonlyArray<readonly [string, readonly unknown[]]>): Promise<Array<QueryRows<R>>> {
    // Each statement's write is held until this one is uncorked: one write for all.
    return this.#connection.corked(() => Promise.all(statements.map(([text, params]) => this.#write<R>(text, params))));
  }

  send(text: string, params: readonly unknown[]): Promise<void> {
    return new Promise<void>((answered) => this.#unsent.push({ text, params, answered }));
  }

  sendTurnToken(text: string, params: readonly unknown[]): Promise<void> {
    return new Promise<void>((answered) => this.#unsent.unshift({ text, params, first: true, turnToken: true, answered }));
  }

  async beforeGuessedTurn(texts: readonly string[]): Promise<void> {
    if (this.#connection.checkedOut) return;
    // A write made already goes out on the transaction's own connection, and so does its commit.
    if (!this.#begun && this.#chain?.ready(named([...this.#chainStatements(), ...texts.map((text) => ({ text, params: [] }))]))) return;
    await this.#connection.checkOut();
  }

  alone(): boolean {
    return this.#stats.open === 1;
  }

  whenClosing(fn: () => void): void {
    this.#closing.push(fn);
  }

  whenFailed(fn: () => void): void {
    this.#failed.push(fn);
  }

  whenEnded(fn: () => void): void {
    if (this.#ended === undefined) fn();
    else this.#ended.push(fn);
  }

  /** The transaction is over at the server: committed, rolled back, or its connection released as broken. */
  end(): void {
    const fns = this.#ended ?? [];
    this.#ended = undefined;
    for (const fn of fns) fn();
  }

  #close(): void {
    const fns = this.#closing;
    this.#closing = [];
    for (const fn of fns) fn();
  }

  /** Sends COMMIT behind what `send` left; throws the first failure among them, or when the server rolled back instead. */
  async commit(): Promise<void> {
    if (!this.#begun && this.#unsent.length === 0) {
      this.#close(); // nothing was written: nothing to commit
      return;
    }
    const chained = this.#sendThroughChain();
    if (chained !== undefined) {
      this.#close();
      for (const answer of chained.answers) await answer;
      await chained.ended;
      return;
    }
    const committed = this.#write('COMMIT');
    committed.catch(() => undefined);
    this.#close();
    for (const answer of this.#sent) await answer;
    const { command } = await committed;
    // A statement failed that the caller caught (outside a savepoint): the server rolled everything back.
    if (command !== 'COMMIT') throw new StoreError('ERR_STORE_CONFLICT', 'the transaction was rolled back: a statement in it failed', { details: { reason: 'rolled-back' } });
  }

  /**
   * A transaction that took a turn on a trusted head and wrote nothing yet goes out through the
   * chain connection, as one transaction, without BEGIN, COMMIT or its turn's token lock, when
   * that connection takes it now (open, every statement prepared there); undefined otherwise.
   */
  #sendThroughChain(): { answers: Array<Promise<unknown>>; ended: Promise<void> } | undefined {
    const token = this.#unsent.find((s) => s.turnToken);
    if (this.#begun || token === undefined || this.#chain === undefined) return undefined;
    const statements = this.#chainStatements();
    const sent = this.#chain.send(named(statements));
    if (sent === undefined) return undefined;
    this.#unsent = [];
    token.answered();
    const answers = answersOf(sent);
    answers.forEach((answer, i) => answer.then(statements[i]!.answered, statements[i]!.answered));
    const ended = sent.ended.catch((err: unknown) => {
      throw storeErrorOf(err);
    });
    // Awaited only when every answer was a success (the first failure is thrown instead).
    ended.catch(() => undefined);
    return { answers, ended };
  }

  /** What a commit through the chain connection sends of what `send` left: all of it but its turn's token. */
  #chainStatements(): Array<Queued & { answered: () => void }> {
    return this.#unsent.filter((s) => !s.turnToken);
  }

  /** Rolls back (after a failure, perhaps of COMMIT itself); resolves to the error that leaves the connection unusable, if any. */
  async rollback(): Promise<Error | undefined> {
    for (const { answered } of this.#unsent.splice(0)) answered();
    const rolledBack = this.#begun ? this.#connection.write(1, (client) => [run(client, 'ROLLBACK')])[0] : undefined;
    this.#close();
    const fns = this.#failed;
    this.#failed = [];
    for (const fn of fns) fn();
    try {
      await rolledBack;
      return undefined;
    } catch (err) {
      return err as Error;
    }
  }
}

/** One transaction on a pooled connection, retried as a whole after a deadlock or serialization failure. */
export function transaction<T>(pool: Pool, stats: EngineStats, fn: (tx: OpenTransaction) => Promise<T>, chain?: ChainConnection): Promise<T> {
  return withRetry(stats, async () => {
    // Open from its start (its connection is checked out at its first write): a transaction that may queue behind another at the audit chain.
    stats.open += 1;
    try {
      return await attempt(pool, stats, fn, chain);
    } finally {
      stats.open -= 1;
    }
  });
}

async function attempt<T>(pool: Pool, stats: EngineStats, fn: (tx: OpenTransaction) => Promise<T>, chain: ChainConnection | undefined): Promise<T> {
  const connection = new TxConnection(() => connect(pool));
  const tx = new OpenTransaction(connection, stats, chain);
  let broken: Error | undefined;
  try {
    const result = await fn(tx);
    await tx.commit();
    return result;
  } catch (err) {
    // A connection whose rollback failed is in an unknown state: the pool drops it.
    broken = await tx.rollback();
    throw err;
  } finally {
    connection.release(broken);
    tx.end();
  }
}

/** Statements on the pool: each call autocommits, `atomic`/`together` open a transaction. */
export function poolSql(pool: Pool, stats: EngineStats): Sql {
  const inTransaction = <T>(fn: (sql: Sql) => Promise<T>): Promise<T> => transaction(pool, stats, (tx) => fn(clientSql(tx)));
  return {
    tx: undefined,
    query: (text, params) => withRetry(stats, () => run(pool, text, params)),
    all: (statements) => inTransaction((sql) => sql.all(statements)),
    atomic: inTransaction,
    together: inTransaction,
    async expect(text, params) {
      await withRetry(stats, () => run(pool, text, params));
    },
  };
}
