/**
 * The coordinator's audit entries mirrored into the ledger (issue 9): manifest set and updates,
 * package updates, user secrets written (names only: the coordinator's entries never hold a
 * value), recovery and start-over epochs. Each is an entry of the collection
 * `confide:coordinator`, JSON `{"event":"coordinator.<type>","entry":<the signed audit entry>,"at"}`:
 * the coordinator's own entry, hash and signature included, so a ledger receipt also vouches for an
 * entry anyone can check against the coordinator's audit key (@confide/audit).
 *
 * The coordinator's log is the authority and the mirror follows it by `seq`: entries arrive after
 * their transaction committed (LifecycleOptions.onAudit), one at a time in seq order; a gap (an
 * entry appended while the ledger was not open, as the startup manifest is, or one whose mirroring
 * failed) is filled from the log first. Marble activations are not mirrored: one per marble start
 * would put the ledger's write in every activation; they stay in the coordinator's signed log.
 */
import { systemClock, type Clock } from '@confide/core';
import type { LedgerWriter } from '@confide/ledger';

/** The collection the coordinator's entries go to. */
export const COORDINATOR_COLLECTION = 'confide:coordinator';

/** A coordinator audit entry (@confide/audit's AuditEntry) as far as the mirror reads it; it is copied whole. */
export interface AuditEntry {
  seq: number;
  type: string;
}

/** Coordinator audit types left out of the ledger: the marbles' own operations (each start, each counter raise). */
const NOT_MIRRORED: ReadonlySet<string> = new Set(['marble.activate', 'marble.counter']);

export interface CoordinatorMirrorOptions {
  writer: Pick<LedgerWriter, 'append' | 'latest'>;
  /** The coordinator's audit entries with seq > `seq`, oldest first. */
  entriesAfter(seq: number): Promise<AuditEntry[]>;
  clock?: Clock | undefined;
}

export class CoordinatorLedgerMirror {
  readonly #options: CoordinatorMirrorOptions;
  readonly #clock: Clock;
  /** The highest coordinator seq mirrored or passed over. */
  #seq: number;
  /** Mirrorings run one after another, so entries land in seq order. */
  #queue: Promise<void> = Promise.resolve();
  #failure: string | undefined;

  constructor(options: CoordinatorMirrorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#seq = lastMirroredSeq(options.writer);
  }

  /** The highest coordinator seq the ledger holds or passed over. */
  get seq(): number {
    return this.#seq;
  }

  /** Why the last mirroring failed, until one succeeds (a degraded service to report). */
  get failure(): string | undefined {
    return this.#failure;
  }

  /**
   * Mirrors `entries` (and any the ledger misses before them); resolves once they are durable in
   * the ledger. Never rejects: a failure is kept in `failure`, and the next call (or start) mirrors
   * what is missing.
   */
  appended(entries: readonly AuditEntry[]): Promise<void> {
    return this.#enqueue(async () => {
      const first = entries[0];
      if (first === undefined || entries.at(-1)!.seq <= this.#seq) return;
      // Given entries are used only when they follow on; otherwise the log says what is missing.
      const todo = first.seq === this.#seq + 1 ? entries : await this.#options.entriesAfter(this.#seq);
      await this.#mirror(todo);
    });
  }

  /** Mirrors every coordinator entry the ledger misses (at start). Never rejects. */
  sync(): Promise<void> {
    return this.#enqueue(async () => this.#mirror(await this.#options.entriesAfter(this.#seq)));
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(step).then(
      () => {
        this.#failure = undefined;
      },
      (err: unknown) => {
        const code = (err as { code?: unknown }).code;
        this.#failure = `coordinator audit entries after seq ${this.#seq} are not in the ledger (${typeof code === 'string' ? code : 'error'}); the next coordinator change or start mirrors them`;
      },
    );
    this.#queue = run;
    return run;
  }

  async #mirror(entries: readonly AuditEntry[]): Promise<void> {
    const at = this.#clock.now().toISOString();
    // Appended together (one group commit); the writer keeps the order they were appended in.
    const pending: Promise<string>[] = [];
    for (const entry of entries) {
      if (entry.seq <= this.#seq || NOT_MIRRORED.has(entry.type)) continue;
      pending.push(this.#options.writer.append(JSON.stringify({ event: `coordinator.${entry.type}`, entry, at }), COORDINATOR_COLLECTION));
    }
    await Promise.all(pending);
    const last = entries.at(-1);
    if (last && last.seq > this.#seq) this.#seq = last.seq;
  }
}

/** The coordinator seq of the last entry mirrored (0 for none). */
function lastMirroredSeq(writer: Pick<LedgerWriter, 'latest'>): number {
  const latest = writer.latest(COORDINATOR_COLLECTION);
  if (!latest) return 0;
  const seq = (JSON.parse(latest.contents) as { entry?: { seq?: unknown } }).entry?.seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : 0;
}

/** Parses the coordinator's exported log (JSON lines) and keeps the entries after `seq`. */
export function auditEntriesAfter(lines: string, seq: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const line of lines.split('\n')) {
    if (line === '') continue;
    const entry = JSON.parse(line) as AuditEntry;
    if (entry.seq > seq) out.push(entry);
  }
  return out;
}
