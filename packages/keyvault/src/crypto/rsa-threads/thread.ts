/** An RSA thread's own code (a worker_threads Worker): each request's private operation, answered with its result. */
import { parentPort } from 'node:worker_threads';
import { rsaPrivateEncrypt } from '../rsa-private.js';
import type { RsaThreadAnswer, RsaThreadAnswers, RsaThreadBatch, RsaThreadRequest } from './messages.js';

const port = parentPort!;

function answer(request: RsaThreadRequest, transfer: ArrayBuffer[]): RsaThreadAnswer {
  try {
    const result = rsaPrivateEncrypt(request.key, request);
    // A result that owns its whole buffer moves to the main thread instead of being copied.
    if (result.byteOffset === 0 && result.byteLength === result.buffer.byteLength) transfer.push(result.buffer as ArrayBuffer);
    return { id: request.id, result };
  } catch (err) {
    return { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
}

port.on('message', (batch: RsaThreadBatch) => {
  const transfer: ArrayBuffer[] = [];
  const answers: RsaThreadAnswers = batch.map((request) => answer(request, transfer));
  port.postMessage(answers, transfer);
});
