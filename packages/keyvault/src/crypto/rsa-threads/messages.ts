/** What the main thread says to an RSA thread; the thread answers in shared memory (answer-slots.ts). */
import type { KeyObject } from 'node:crypto';
import type { RsaPadding } from '../rsa-private.js';

/** A key object travels by handle: the thread reaches the same key, no copy of its material is made, and none is kept. */
export interface RsaThreadRequest {
  /** The answer slot this request's result goes to. */
  slot: number;
  key: KeyObject;
  padding: RsaPadding;
  data: Uint8Array;
}

/** The requests that came in one turn of the event loop go to a thread as one message. */
export type RsaThreadBatch = RsaThreadRequest[];

/** What a thread is started with. */
export interface RsaThreadData {
  answers: SharedArrayBuffer;
}
