/**
 * This process's knowledge of the audit chain's head, so that a transaction that appends need
 * not read the head from the server under the chain's lock: that read is a round trip, and the
 * lock is then held through the caller's hashing and signing until the commit, so appenders
 * queue behind each other's round trips and event-loop turns.
 *
 * Transactions of this process take turns at the chain (held from their first head() until
 * their COMMIT or ROLLBACK is sent). Once trusted, the head a turn is given is the one the turn
 * before left, committed or not, and its append goes out with its COMMIT (TxHooks.send). The
 * next turn's append, sent on another connection, must reach the chain's lock after this one. So a
 * transaction holds an advisory lock on a token of its own, and the next turn's append (or head
 * read) first waits for that lock, that is until the transaction before it ended
 * (confide_audit_append and confide_audit_head_for_append with a token, migration 9): its turn
 * passes on as soon as its COMMIT is sent, without waiting for any answer. A transaction that gives
 * the trusted head takes its turn unsettled: it sends its token lock first, with everything else,
 * at its COMMIT, and the next turn's statements go out once that lock was answered
 * (Turn.afterHeld). One that reads the head settles first and, when others of this store are open,
 * locks its token in the write that asks for the head (answered before its turn begins); alone it
 * spends no statement on a token: its turn passes on once its append was answered (it then holds
 * the chain's lock until its commit), which only a transaction that opened meanwhile waits for.
 * The server stays the judge: confide_audit_append (migration 6) takes the chain's advisory lock and
 * inserts only over the head committed then, else fails the transaction with a serialization
 * failure, which the engine runs again. So a wrong guess costs a rerun, never a broken chain.
 *
 * Another replica's appends make the guess wrong. So it is trusted only after TRUSTED_AFTER reads
 * under the lock in a row found the head where this process had left it, and a transaction that
 * appended and did not commit (a wrong guess among them) sends the next ones back to reading.
 * Several busy replicas therefore read under the lock, as before, and a lone one guesses.
 */
import { randomBytes } from 'node:crypto';
import type { TxHooks } from './sql.js';

export interface ChainHead {
  seq: number;
  hash: string;
}

/** A transaction's place in the turns: the token of the transaction before it (null: none to wait for), whose end its chain statements wait for. */
export interface Turn {
  after: string | null;
  /** Settles once `after`'s lock is held (answered): the transaction's chain statements are sent only then. */
  afterHeld: Promise<void>;
  /** For a transaction without a token: its turn passes on only once `answer` settled (its append's). */
  gate(answer: Promise<unknown>): void;
  /**
   * The token a head read under the lock waits for: `after`, unless a transaction that took its
   * turn unsettled is still open. Such a one's end may wait at the server for a row lock that a
   * transaction queued behind this turn holds, so a read that waited for it (through `after`, or
   * through the end of a transaction waiting for it) while holding the turn would close a cycle
   * the server cannot see. Without the wait the read may come first, and a transaction before it
   * whose append then no longer extends the head runs again.
   */
  readAfter: string | null;
}

/** Reads under the lock in a row that must find the head this process left before it is trusted. */
const TRUSTED_AFTER = 8;

/**
 * The statement that takes a transaction's token lock: a 64-bit advisory key (the form apart from
 * the chain's two-key lock), so that replicas, each counting up from a random start, practically
 * never hold the same token at once (a shared token would make one replica's transaction wait on
 * another's, out of the server's sight when that one waits for a row lock).
 */
export const TAKE_TURN_TOKEN = 'SELECT pg_advisory_xact_lock($1::bigint)';

const TOKEN_LIMIT = 2n ** 63n;

export class AuditChain {
  #head: ChainHead | undefined;
  #confirmed = 0;
  #tail: Promise<void> = Promise.resolve();
  /** The token of the transaction whose turn came last, and when its lock is held. */
  #last: string | null = null;
  #lastHeld: Promise<void> = Promise.resolve();
  /** Open transactions that took their turn unsettled (whose statements were not answered before it). */
  #unsettledOpen = 0;
  /** Tokens (positive 64-bit, as decimal text) count up from a random start, so no two transactions of this process share one while open. */
  #nextToken = randomBytes(8).readBigUInt64BE() % TOKEN_LIMIT;

  /** A fresh token for a transaction about to queue for its turn (it locks it first: TAKE_TURN_TOKEN). */
  token(): string {
    const token = this.#nextToken;
    this.#nextToken = (token + 1n) % TOKEN_LIMIT;
    return token.toString();
  }

  /**
   * Waits for the transaction's turn at the chain, which ends when its COMMIT or ROLLBACK is sent
   * and every answer given to its `gate` settled. `held` settles once `token` (null: none) is
   * locked in the transaction; its lock must not wait behind a row lock another transaction may hold.
   * `settled`: every statement the transaction sent was answered before it queued (TxHooks.settle),
   * so it holds every row lock it waits for; an unsettled one sends them during its turn.
   */
  async turn(tx: TxHooks, token: string | null, held: Promise<void>, settled: boolean): Promise<Turn> {
    const before = this.#tail;
    const gates: Promise<unknown>[] = [];
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      // Never before the turn ahead ended, whenever this transaction closes.
      release = () => void Promise.allSettled([before, ...gates]).then(() => resolve());
    });
    tx.whenClosing(release);
    await before;
    const [after, afterHeld] = [this.#last, this.#lastHeld];
    this.#last = token;
    this.#lastHeld = held;
    if (!settled) {
      this.#unsettledOpen += 1;
      tx.whenEnded(() => void (this.#unsettledOpen -= 1));
    }
    const readAfter = this.#unsettledOpen > 0 ? null : after;
    return { after, afterHeld, readAfter, gate: (answer) => void (token === null && gates.push(answer)) };
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
