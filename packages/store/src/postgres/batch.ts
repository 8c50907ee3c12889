/**
 * Several prepared statements in one extended-protocol batch: Bind, Describe and Execute for each,
 * then one Sync (`pg` ends each query with a Sync of its own). The server answers each Sync with
 * ReadyForQuery and a flush of its output, that is a socket send of its own, which wakes this
 * process to read it: a transaction's write of six statements came back as six sends and up to six
 * reads. In one batch it comes back as one. After a failed statement the server skips the rest
 * until the Sync: those statements fail with the same error (inside BEGIN the transaction stays
 * open and aborted: the caller rolls it back, as after any failure).
 *
 * A statement marked `flush` is followed by a Flush message, so its answer reaches this process
 * without waiting for the statements behind it (which may wait for a lock): for an answer that
 * another transaction waits for (a turn token's lock, audit-chain.ts).
 *
 * Only statements already parsed on the connection are batched (each is prepared once per
 * connection, sql.ts): a batch never holds a Parse that a failure before it would skip, leaving
 * the driver believing a statement is prepared that is not. `sendPrepare` parses statements on a
 * connection without running it, for a connection that only ever takes batches.
 *
 * Outside BEGIN, the statements of one batch are one transaction: the server commits it at the
 * Sync, or rolls it back after a failure (the protocol's implicit transaction). `ended` reports
 * that end, including a failure of the commit itself, which comes after every statement's answer.
 */
import { createRequire } from 'node:module';
import type { PoolClient, QueryResult } from 'pg';

export interface Statement {
  name: string;
  text: string;
  params: readonly unknown[];
  /** Answer it as soon as it ran (a Flush after it), not only at the batch's end. */
  flush?: boolean;
}

/** What the server answered a statement: its rows, row count and command tag. */
export type Answer = Pick<QueryResult, 'rows' | 'rowCount' | 'command'>;

type Callback = (err: unknown, result?: Answer) => void;

/** The parts of pg's Query and Connection a batch drives (pg/lib/query.js, pg/lib/connection.js). */
interface DriverQuery {
  _result: { _types: unknown };
  callback: Callback;
  handleRowDescription(msg: unknown): void;
  handleDataRow(msg: unknown): void;
  handleCommandComplete(msg: unknown, connection: unknown): void;
  handleReadyForQuery(connection: unknown): void;
  handleError(err: unknown, connection: unknown): void;
}
interface DriverConnection {
  parsedStatements: Record<string, string>;
  stream: { cork(): void; uncork(): void };
  parse(config: { name: string; text: string; types: unknown[] }): void;
  bind(config: { statement: string; values: readonly unknown[]; valueMapper: (value: unknown) => unknown }): void;
  describe(config: { type: 'P'; name: string }): void;
  execute(config: { portal: string }): void;
  flush(): void;
  sync(): void;
}
type QueryClass = new (config: { text?: string; name?: string; values?: unknown[]; callback?: Callback }) => DriverQuery;
type BatchClass = new (statements: readonly Statement[], parts: DriverQuery[], encode: (value: unknown) => unknown, ended: (err?: unknown) => void) => DriverQuery;
type PrepareClass = new (statement: Statement, done: (err?: unknown) => void) => DriverQuery;

/** Values encoded already (Batch.submit encodes them all before it writes). */
const encoded = (value: unknown): unknown => value;

/** The batch as one pg query (pg accepts a query object of its own Query class in pipeline mode), each statement's answer handed to a pg Query of its own (`parts`), which parses its rows. */
function batchClassOn(Query: QueryClass): BatchClass {
  return class Batch extends Query {
    readonly #statements: readonly Statement[];
    readonly #parts: DriverQuery[];
    readonly #encode: (value: unknown) => unknown;
    readonly #ended: (err?: unknown) => void;
    #next = 0;
    /** A value the driver could not encode: no statement was sent. */
    #unsent: unknown;

    constructor(statements: readonly Statement[], parts: DriverQuery[], encode: (value: unknown) => unknown, ended: (err?: unknown) => void) {
      super({ text: 'batch' });
      this.#statements = statements;
      this.#parts = parts;
      this.#encode = encode;
      this.#ended = ended;
    }

    submit(connection: DriverConnection): null {
      for (const part of this.#parts) part._result._types = this._result._types;
      connection.stream.cork();
      try {
        // Every value encoded before anything is written: one the driver cannot encode sends none
        // of the statements (outside BEGIN, those before it would otherwise commit at the Sync).
        const values = this.#statements.map((s) => s.params.map((v) => this.#encode(v)));
        this.#statements.forEach((s, i) => {
          connection.bind({ statement: s.name, values: values[i]!, valueMapper: encoded });
          connection.describe({ type: 'P', name: '' });
          connection.execute({ portal: '' });
          if (s.flush) connection.flush();
        });
      } catch (err) {
        this.#unsent = err;
      } finally {
        connection.sync();
        connection.stream.uncork();
      }
      return null;
    }

    override handleRowDescription(msg: unknown): void {
      this.#parts[this.#next]?.handleRowDescription(msg);
    }

    override handleDataRow(msg: unknown): void {
      this.#parts[this.#next]?.handleDataRow(msg);
    }

    override handleCommandComplete(msg: unknown, connection: unknown): void {
      const part = this.#parts[this.#next++];
      part?.handleCommandComplete(msg, connection);
      part?.handleReadyForQuery(connection);
    }

    /**
     * The failing statement and every one the server then skipped (none: the commit at the Sync
     * failed). The driver gives the batch no ReadyForQuery after an error: the batch ends here.
     */
    override handleError(err: unknown, connection: unknown): void {
      const unanswered = this.#parts.slice(this.#next);
      this.#next = this.#parts.length;
      for (const part of unanswered) part.handleError(err, connection);
      this.#ended(err);
    }

    override handleReadyForQuery(connection: unknown): void {
      if (this.#next < this.#parts.length) this.handleError(this.#unsent ?? new Error('the server ended the batch without answering every statement'), connection);
      else this.#ended();
    }
  };
}

/** A Parse message and a Sync: the statement is prepared on the connection, not run. */
function prepareClassOn(Query: QueryClass): PrepareClass {
  return class Prepare extends Query {
    readonly #statement: Statement;
    readonly #done: (err?: unknown) => void;

    constructor(statement: Statement, done: (err?: unknown) => void) {
      super({ text: 'prepare' });
      this.#statement = statement;
      this.#done = done;
    }

    submit(connection: DriverConnection): null {
      connection.stream.cork();
      try {
        connection.parse({ name: this.#statement.name, text: this.#statement.text, types: [] });
      } finally {
        connection.sync();
        connection.stream.uncork();
      }
      return null;
    }

    /** The driver gives it no ReadyForQuery after an error. */
    override handleError(err: unknown): void {
      this.#done(err);
    }

    override handleReadyForQuery(connection: unknown): void {
      (connection as DriverConnection).parsedStatements[this.#statement.name] = this.#statement.text;
      this.#done();
    }
  };
}

let driver: { Query: QueryClass; Batch: BatchClass; Prepare: PrepareClass; prepareValue: (value: unknown) => unknown } | undefined;
/** pg's Query class and value encoder, loaded on first use (as the engine loads pg: only when a PostgreSQL store is opened). */
function loadDriver(): NonNullable<typeof driver> {
  if (driver === undefined) {
    const require = createRequire(import.meta.url);
    const { Query } = require('pg') as { Query: QueryClass };
    driver = { Query, Batch: batchClassOn(Query), Prepare: prepareClassOn(Query), prepareValue: (require('pg/lib/utils') as { prepareValue: (value: unknown) => unknown }).prepareValue };
  }
  return driver;
}

/** Whether every statement is prepared on `client` already (a batch sends no Parse). */
export function allParsed(client: PoolClient, statements: readonly Statement[]): boolean {
  const parsed = (client as unknown as { connection: DriverConnection }).connection.parsedStatements;
  return statements.every((s) => parsed[s.name] === s.text);
}

/** What a batch gives back: one answer per statement, in order, and the batch's end. */
export interface SentBatch {
  /** Each settles once its own statement's answer came (rejecting with the driver's error). */
  answers: Array<Promise<Answer>>;
  /** Settles at the Sync's answer: rejects with the batch's first failure (outside BEGIN: its transaction was rolled back), else resolves (committed). */
  ended: Promise<void>;
}

/** Queues `statements` (all parsed: allParsed) on `client` as one batch. */
export function sendBatch(client: PoolClient, statements: readonly Statement[]): SentBatch {
  const { Query, Batch, prepareValue } = loadDriver();
  const answers: Array<Promise<Answer>> = [];
  const parts = statements.map((s) => {
    const part = new Query({ name: s.name, text: s.text });
    answers.push(new Promise<Answer>((resolve, reject) => (part.callback = (err, result) => (err ? reject(err) : resolve(result!)))));
    return part;
  });
  let settle!: (err?: unknown) => void;
  const ended = new Promise<void>((resolve, reject) => (settle = (err) => (err === undefined ? resolve() : reject(err))));
  ended.catch(() => undefined);
  (client as unknown as { query(q: DriverQuery): void }).query(new Batch(statements, parts, prepareValue, settle));
  return { answers, ended };
}

/** Prepares `statement` on `client` without running it; resolves once it is (allParsed then counts it), rejects with the server's error. */
export function sendPrepare(client: PoolClient, statement: Statement): Promise<void> {
  const { Prepare } = loadDriver();
  return new Promise<void>((resolve, reject) => {
    (client as unknown as { query(q: DriverQuery): void }).query(new Prepare(statement, (err) => (err === undefined ? resolve() : reject(err))));
  });
}
