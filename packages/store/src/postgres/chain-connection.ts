/**
 * The audit chain's commit connection: one connection of its own, shared by the transactions that
 * took their turn at the chain on a trusted head and wrote nothing before their commit
 * (audit-chain.ts, sql.ts). PostgreSQL runs one connection's statements in the order they came,
 * so a transaction committed here runs after every one committed here before it, its commit
 * included, and this process waits for no answer in between. Each goes out as one batch without
 * BEGIN, which the server runs as one transaction, committed at the batch's Sync (batch.ts).
 *
 * On its own connection a turn's statements could go out only once the lock on the token of the
 * turn before was answered (a round trip, and a turn of this process's busy event loop), so
 * turns, and with them every change that appends to the audit log, followed each other no faster
 * than that (docs/benchmarks.md, "Storage engines").
 *
 * Not one of the pool's connections, which it would hold for good (a pool of one would then have
 * none left). It opens on first use and again after it was lost; a batch goes out only when
 * every statement in it is prepared here, and a statement's first use prepares it (that
 * transaction commits on its own connection, as without this one).
 */
import type { Client, ClientConfig, PoolClient } from 'pg';
import { allParsed, sendBatch, sendPrepare, type SentBatch, type Statement } from './batch.js';

type ClientClass = new (config: ClientConfig) => Client;

export class ChainConnection {
  readonly #Client: ClientClass;
  readonly #config: ClientConfig;
  #client: Client | undefined;
  #opening = false;
  #closed = false;
  /** Names of the statements being prepared on the open connection. */
  readonly #preparing = new Set<string>();

  constructor(Client: ClientClass, config: ClientConfig) {
    this.#Client = Client;
    this.#config = config;
  }

  /**
   * Sends `statements` as one transaction; undefined when the connection cannot take them now
   * (not open yet: it opens; one of them not prepared here yet: it is prepared), and nothing was sent.
   */
  send(statements: readonly Statement[]): SentBatch | undefined {
    return this.ready(statements) ? sendBatch(this.#client as unknown as PoolClient, statements) : undefined;
  }

  /**
   * Whether a batch of `statements` would go out now. When not, the connection opens or prepares
   * them, as `send` would, so that a later one does.
   */
  ready(statements: readonly Statement[]): boolean {
    const client = this.#client as unknown as PoolClient | undefined;
    if (client === undefined) {
      this.#open();
      return false;
    }
    if (allParsed(client, statements)) return true;
    this.#prepare(client, statements);
    return false;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #open(): void {
    if (this.#opening || this.#closed) return;
    this.#opening = true;
    const client = new this.#Client(this.#config);
    // Lost: forgotten, so the next commit opens another (what was sent on it fails with its error).
    client.on('error', () => this.#drop(client));
    client.on('end', () => this.#drop(client));
    client.connect().then(
      () => {
        this.#opening = false;
        if (this.#closed) void client.end().catch(() => undefined);
        else this.#client = client;
      },
      () => {
        this.#opening = false;
        this.#drop(client);
      },
    );
  }

  #drop(client: Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#preparing.clear();
    void client.end().catch(() => undefined);
  }

  #prepare(client: PoolClient, statements: readonly Statement[]): void {
    for (const s of statements) {
      if (allParsed(client, [s]) || this.#preparing.has(s.name)) continue;
      this.#preparing.add(s.name);
      const done = (): void => {
        if (this.#client === (client as unknown as Client)) this.#preparing.delete(s.name);
      };
      sendPrepare(client, s).then(done, done);
    }
  }
}
