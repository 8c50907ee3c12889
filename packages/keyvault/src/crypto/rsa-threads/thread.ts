/** An RSA thread's own code (a worker_threads Worker): each request's private operation, answered in its slot. */
import { parentPort, workerData } from 'node:worker_threads';
import { rsaPrivateEncrypt } from '../rsa-private.js';
import { AnswerSlots } from './answer-slots.js';
import type { RsaThreadBatch, RsaThreadData, RsaThreadRequest } from './messages.js';

const answers = new AnswerSlots((workerData as RsaThreadData).answers);

function answer(request: RsaThreadRequest): void {
  try {
    answers.writeResult(request.slot, rsaPrivateEncrypt(request.key, request));
  } catch (err) {
    answers.writeError(request.slot, err instanceof Error ? err.message : String(err));
  }
}

parentPort!.on('message', (batch: RsaThreadBatch) => {
  for (const request of batch) answer(request);
  answers.announce();
});
