/**
 * This process's knowledge of the audit chain's head, so that a transaction that appends need
 * not read the head from the server under the chain's lock: that read is a round trip, and the
 * lock is then held through the caller's hashing and signing until the commit, so appenders
 * queue behind each other's round trips and event-loop turns.
 *
 * Transactions of this process take turns at the chain (held from their first head() until
 * their COMMIT or ROLLBACK is sent). Once trusted, the head a turn is given is the one the turn
 * before left, committed or not, and its append goes out with its COMMIT (TxHooks.send). The
 * turn passes on once that append was answered: it then holds the chain's lock until its commit,
 * so the next turn's append, sent on another connection, cannot run before it and waits for the
 * commit. The server stays the judge: confide_audit_append (migration 6) takes the chain's advisory lock and
 * inserts only over the head committed then, else fails the transaction with a serialization
 * failure, which the engine runs again. So a wrong guess costs a rerun, never a broken chain.
 *
 * Another replica's appends make the guess wrong. So it is trusted only after TRUSTED_AFTER reads
 * under the lock in a row found the head where this process had left it, and a transaction that
 * appended and did not commit (a wrong guess among them) sends the next ones back to reading.
 * Several busy replicas therefore read under the lock, as before, and a lone one guesses.
 */
import type { TxHooks } from './sql.js';

export interface ChainHead {
  seq: number;
  hash: string;
}

/** Reads under the lock in a row that must find the head this process left before it is trusted. */
const TRUSTED_AFTER = 8;

export class AuditChain {
  #head: ChainHead | undefined;
  #confirmed = 0;
  #tail: Promise<void> = Promise.resolve();

  /**
   * Waits for the transaction's turn at the chain, which ends when its COMMIT or ROLLBACK is sent
   * and every promise given to the returned `gate` settled.
   */
  async turn(tx: TxHooks): Promise<{ gate(answer: Promise<unknown>): void }> {
    const before = this.#tail;
    const gates: Promise<unknown>[] = [];
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      // Never before the turn ahead ended, whenever this transaction closes.
      release = () => void Promise.allSettled([before, ...gates]).then(() => resolve());
    });
    tx.whenClosing(release);
    await before;
    return { gate: (answer) => void gates.push(answer) };
  }

  /** The head to build on without reading it, once trusted; undefined means: read it under the lock. */
  guess(): ChainHead | undefined {
    return this.#confirmed >= TRUSTED_AFTER ? this.#head : undefined;
  }

  /** A head read under the lock (undefined: the log is empty). */
  read(head: ChainHead | undefined): void {
    const same = head !== undefined && this.#head !== undefined && head.seq === this.#head.seq && head.hash === this.#head.hash;
    this.#confirmed = same ? this.#confirmed + 1 : 0;
    this.#head = head;
  }

  /** `head` was sent by `tx`: the next turn builds on it, unless `tx` does not commit. */
  appended(head: ChainHead, tx: TxHooks): void {
    this.#head = head;
    tx.whenFailed(() => {
      this.#head = undefined;
      this.#confirmed = 0;
    });
  }
}
