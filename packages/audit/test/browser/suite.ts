/**
 * The audit suite that runs in Chromium as well as in Node (test/browser.test.ts): each log
 * verified under its key, importing only the package and core.
 */
import { isConfideError } from '@confide/core';
import { verifyAuditLog } from '@confide/audit';

export interface LogCase {
  log: string;
  key: JsonWebKey;
}

/** Each log's verification (count, head, epoch seqs) or its error code and details. */
export async function verifyCases(cases: LogCase[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const c of cases) {
    try {
      const r = await verifyAuditLog(c.log, c.key);
      out.push({ count: r.count, headSeq: r.headSeq, headHash: r.headHash, epochs: r.epochs.map((e) => ({ seq: e.seq, x: e.publicKeyJwk.x })) });
    } catch (err) {
      if (!isConfideError(err)) throw err;
      out.push({ code: err.code, seq: err.details?.seq, reason: err.details?.reason });
    }
  }
  return out;
}
