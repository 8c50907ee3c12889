/** What the main thread and an RSA thread say to each other. */
import type { KeyObject } from 'node:crypto';
import type { RsaPadding } from '../rsa-private.js';

/** A key object travels by handle: the thread reaches the same key, no copy of its material is made, and none is kept. */
export interface RsaThreadRequest {
  id: number;
  key: KeyObject;
  padding: RsaPadding;
  data: Uint8Array;
}

/** `result` when the operation ran, `error` (its message) when it threw. */
export interface RsaThreadAnswer {
  id: number;
  result?: Uint8Array;
  error?: string;
}

/** The requests that came in one turn of the event loop go to a thread as one message, and their answers come back as one. */
export type RsaThreadBatch = RsaThreadRequest[];
export type RsaThreadAnswers = RsaThreadAnswer[];
