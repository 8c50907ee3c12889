/**
 * A transaction's connection, checked out of the pool at its first write rather than when the
 * transaction opens. A transaction that writes nothing before its commit and then commits through
 * the audit chain's connection (chain-connection.ts), as an activation of a new marble does, never
 * takes one: it spares the pool's checkout and release, and leaves the pool's connections to the
 * transactions that use them.
 *
 * Writes made while the connection is being checked out wait for it and go out, in the order they
 * were made, in one write once it is there.
 */
import type { Client, PoolClient } from 'pg';

export class TxConnection {
  readonly #open: () => Promise<PoolClient>;
  #client: PoolClient | undefined;
  #opening: Promise<PoolClient> | undefined;
  /** Writes waiting for the connection, oldest first. */
  #waiting: Array<{ write: (client: PoolClient) => void; fail: (err: unknown) => void }> = [];
  #released = false;

  /** `open` checks a connection out (its failure is what the waiting writes fail with). */
  constructor(open: () => Promise<PoolClient>) {
    this.#open = open;
  }

  /**
   * Hands `count` statements to the driver through `write` (which returns their answers): now on
   * the checked-out connection, else once it is checked out, after the writes made before.
   */
  write<A>(count: number, write: (client: PoolClient) => Array<Promise<A>>): Array<Promise<A>> {
    if (this.#client !== undefined) return write(this.#client);
    if (this.#released) return Array.from({ length: count }, () => Promise.reject(ended()));
    const settlers: Array<{ resolve: (a: A) => void; reject: (err: unknown) => void }> = [];
    const answers = Array.from({ length: count }, () => new Promise<A>((resolve, reject) => settlers.push({ resolve, reject })));
    const fail = (err: unknown): void => settlers.forEach(({ reject }) => reject(err));
    this.#waiting.push({
      write: (client) => write(client).forEach((answer, i) => answer.then(settlers[i]!.resolve, settlers[i]!.reject)),
      fail,
    });
    this.#checkOut();
    return answers;
  }

  /** Whether the connection is checked out (a write now goes out at once). */
  get checkedOut(): boolean {
    return this.#client !== undefined;
  }

  /** Checks the connection out now, if it is not; resolves once it is, rejects with the checkout's failure. */
  async checkOut(): Promise<void> {
    if (this.#client !== undefined) return;
    if (this.#released) throw ended();
    this.#checkOut();
    await this.#opening;
  }

  /** Runs `fn` with the connection's socket corked, so the writes it makes leave in one send (writes still waiting for the connection leave together anyway). */
  corked<T>(fn: () => T): T {
    const socket = this.#client && (this.#client as unknown as Client).connection.stream;
    socket?.cork();
    try {
      return fn();
    } finally {
      socket?.uncork();
    }
  }

  /** Gives the connection back to the pool (`broken`: the pool drops it instead), now or once its checkout ends. */
  release(broken: Error | undefined): void {
    this.#released = true;
    if (this.#client !== undefined) this.#client.release(broken);
    else void this.#opening?.then((client) => client.release(broken), () => undefined);
  }

  #checkOut(): void {
    if (this.#opening !== undefined) return;
    this.#opening = this.#open();
    this.#opening.then(
      (client) => {
        if (this.#released) {
          for (const { fail } of this.#waiting.splice(0)) fail(ended());
          return;
        }
        this.#client = client;
        this.corked(() => {
          for (const { write, fail } of this.#waiting.splice(0)) {
            try {
              write(client);
            } catch (err) {
              fail(err);
            }
          }
        });
      },
      (err: unknown) => {
        for (const { fail } of this.#waiting.splice(0)) fail(err);
      },
    );
  }
}

function ended(): Error {
  return new Error('the transaction ended before its connection was checked out');
}
