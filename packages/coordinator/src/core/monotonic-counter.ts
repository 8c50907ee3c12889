/**
 * MarbleRun's monotonic counters (coordinator/clientapi/clientapi.go SetMonotonicCounter,
 * store/wrapper/wrapper.go SetMonotonicCounter): one uint64 per marble type, marble UUID and
 * name, which only ever goes up; a set answers the value before it. The store keeps the value in
 * clear so that its repository can refuse a decrease on any engine, and beside it the value
 * sealed under the state's data key for this counter's ID, so a value edited in the database
 * (or moved from another counter) is refused when read (ERR_SEAL_UNSEAL_FAILED).
 */
import { toBase64 } from '@confide/core';
import type { Repositories } from '@confide/store';
import { CoordinatorError } from '../errors.js';
import type { RecordSealer } from './activation-ledger.js';

/** The largest value a counter holds (Go's uint64). */
export const COUNTER_MAX = 2n ** 64n - 1n;

/**
 * MarbleRun's counter ID (clientapi.go encodeMonotonicCounterID): base64 of the type, of the
 * UUID's 16 bytes and of the name, joined by colons, which cannot be ambiguous.
 */
export function monotonicCounterId(marbleType: string, uuid: Uint8Array, name: string): string {
  const enc = new TextEncoder();
  return `${toBase64(enc.encode(marbleType))}:${toBase64(uuid)}:${toBase64(enc.encode(name))}`;
}

function toBytes(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value);
  return bytes;
}

function fromBytes(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0);
}

const purposeOf = (id: string): string => `monotonic-counter:${id}`;

/** Reads and raises counters through the given repositories (a transaction or the store). */
export class MonotonicCounterBook {
  readonly #sealer: RecordSealer;

  constructor(sealer: RecordSealer) {
    this.#sealer = sealer;
  }

  /**
   * Raises counter `id` to `value` unless it holds as much already; returns the value before
   * (0 for a new counter). Throws ERR_VALIDATION (not a uint64), ERR_SEAL_UNSEAL_FAILED (the
   * stored value was altered or moved).
   */
  async raise(repos: Repositories, id: string, value: bigint): Promise<bigint> {
    if (value < 0n || value > COUNTER_MAX) throw new CoordinatorError('ERR_VALIDATION', 'a monotonic counter value is a uint64', { details: { field: 'value' } });
    const bytes = toBytes(value);
    const before = await repos.monotonicCounters.raise({ id, value: bytes, sealed: await this.#sealer.seal(bytes, purposeOf(id)) });
    if (!before) return 0n;
    const opened = await this.#sealer.unseal(before.sealed, purposeOf(id));
    if (opened.length !== 8 || fromBytes(opened) !== fromBytes(before.value)) {
      throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', `the stored value of monotonic counter ${id} was altered`, { details: { counter: id } });
    }
    return fromBytes(before.value);
  }

  /** Forgets every counter (a new state replaced the old one). */
  clear(repos: Repositories): Promise<void> {
    return repos.monotonicCounters.clear();
  }
}
