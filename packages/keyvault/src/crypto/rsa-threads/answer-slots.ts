/**
 * Where an RSA thread leaves its answers: memory shared with the main thread, one slot per request
 * out, and a count of the answers written, which the main thread waits on (Atomics.waitAsync). An
 * answer that comes back as a message costs the event loop a message event and a deserialisation;
 * this costs it a promise and a copy of the result. Holds signatures and error messages only: the
 * requests, with their key objects, still travel as messages.
 *
 * Layout: Int32 0, the answers written so far; Int32 1 + i, slot i's state (0: nothing yet, n > 0:
 * a result of n bytes, -n: an error message of n bytes, UTF-8); then SLOTS slots of ANSWER_BYTES.
 */

/** Requests one thread can have out at once; more wait on the main thread for a slot. */
export const SLOTS = 256;
/** The longest answer: an RSA-4096 private operation's result. A longer error message is cut. */
export const ANSWER_BYTES = 512;

const COUNT = 0;
const HEADER_INTS = 1 + SLOTS;

/** Atomics.waitAsync (ES2024, in node since 16), which the ES2023 library this workspace compiles against does not declare. */
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export type SlotAnswer = { result: Uint8Array; error?: undefined } | { result?: undefined; error: string };

export class AnswerSlots {
  readonly buffer: SharedArrayBuffer;
  readonly #ints: Int32Array;
  readonly #bytes: Uint8Array;

  /** New slots, or (in the thread) the ones the main thread made. */
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4 * HEADER_INTS + SLOTS * ANSWER_BYTES)) {
    this.buffer = buffer;
    this.#ints = new Int32Array(buffer, 0, HEADER_INTS);
    this.#bytes = new Uint8Array(buffer, 4 * HEADER_INTS);
  }

  /** Thread: the result of the request in `slot`. Throws RangeError when it does not fit. */
  writeResult(slot: number, result: Uint8Array): void {
    if (result.length === 0 || result.length > ANSWER_BYTES) throw new RangeError(`an RSA thread's result is 1 to ${ANSWER_BYTES} bytes, not ${result.length}`);
    this.#bytes.set(result, slot * ANSWER_BYTES);
    Atomics.store(this.#ints, 1 + slot, result.length);
  }

  /** Thread: the error of the request in `slot`. */
  writeError(slot: number, message: string): void {
    const text = new TextEncoder().encode(message || 'the RSA operation failed').subarray(0, ANSWER_BYTES);
    this.#bytes.set(text, slot * ANSWER_BYTES);
    Atomics.store(this.#ints, 1 + slot, -text.length);
  }

  /** Thread: tells the main thread that answers were written since it last looked. */
  announce(): void {
    Atomics.add(this.#ints, COUNT, 1);
    Atomics.notify(this.#ints, COUNT);
  }

  /** Main thread: how many announcements so far. */
  announced(): number {
    return Atomics.load(this.#ints, COUNT);
  }

  /** Main thread: settles once the count is no longer `seen` (at once if it already moved). */
  async moved(seen: number): Promise<void> {
    const wait = waitAsync(this.#ints, COUNT, seen);
    if (wait.async) await wait.value;
  }

  /** Main thread: the answer in `slot` (a copy), which frees it; undefined while there is none. */
  take(slot: number): SlotAnswer | undefined {
    const state = Atomics.load(this.#ints, 1 + slot);
    if (state === 0) return undefined;
    const at = slot * ANSWER_BYTES;
    const bytes = this.#bytes.slice(at, at + Math.abs(state));
    Atomics.store(this.#ints, 1 + slot, 0);
    return state > 0 ? { result: bytes } : { error: new TextDecoder().decode(bytes) };
  }
}
