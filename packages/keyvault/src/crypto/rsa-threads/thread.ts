/** An RSA thread's own code (a worker_threads Worker): each request's private operation, answered with its result. */
import { parentPort } from 'node:worker_threads';
import { rsaPrivateEncrypt } from '../rsa-private.js';
import type { RsaThreadAnswer, RsaThreadRequest } from './messages.js';

const port = parentPort!;

port.on('message', (request: RsaThreadRequest) => {
  let answer: RsaThreadAnswer;
  try {
    answer = { id: request.id, result: rsaPrivateEncrypt(request.key, request) };
  } catch (err) {
    answer = { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(answer);
});
