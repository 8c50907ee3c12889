/** The coordinator's audit log, fetched and verified in the page with @confide/audit (hash chain, signatures, head). */
import { verifyAuditLog, type AuditEntry, type AuditVerification } from '@confide/audit';
import type { Api } from '../api/client.js';

export interface AuditCheck {
  entries: AuditEntry[];
  /** The verification, or the error (ERR_AUDIT_*) that stopped it. */
  verified: AuditVerification | undefined;
  failure: unknown;
  /** The head the server states beside its key: the log must end exactly there (a cut log verifies too). */
  statedHead: { seq: number; hash: string };
}

export async function checkAuditLog(api: Api): Promise<AuditCheck> {
  const [text, key] = await Promise.all([
    api.text('/api/v2/audit-log'),
    api.json<{ data: { publicKeyJwk: JsonWebKey; headSeq: number; headHash: string } }>('/api/v2/audit-log/public-key'),
  ]);
  const entries = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AuditEntry);
  const statedHead = { seq: key.data.headSeq, hash: key.data.headHash };
  try {
    const verified = await verifyAuditLog(text, key.data.publicKeyJwk);
    return { entries, verified, failure: undefined, statedHead };
  } catch (failure) {
    return { entries, verified: undefined, failure, statedHead };
  }
}
