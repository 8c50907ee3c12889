/**
 * MarbleRun's wire errors are JSend: a client mistake (4xx) is
 * `{"status":"fail","message":"…","data":{"code":"ERR_…","message":"…"}}` and a server fault (5xx)
 * is `{"status":"error","message":"…","code":"ERR_…"}`. MarbleRun's clients read `status` and
 * `message`; Confide's stable code rides in `data.code` (fail) or `code` (error), the places
 * JSend leaves for it.
 */
import type { ErrorSerializer } from '../../plugins/problem.js';

/** JSend errors, the MarbleRun surface's error serializer. */
export const jsendSerializer: ErrorSerializer = (problem, _request, reply) => {
  const message = `${problem.code}: ${problem.message}`;
  const body =
    problem.status < 500
      ? { status: 'fail', message, data: { code: problem.code, message: problem.message, ...(problem.details ? { details: problem.details } : {}) } }
      : { status: 'error', message, code: problem.code };
  void reply.code(problem.status).type('application/json; charset=utf-8').send(body);
};
