/** The coordinator's audit log, fetched and verified in the page with @confide/audit (hash chain, signatures, head). */
import { AUDIT_EPOCH_TYPE, verifyAuditLog, type AuditEntry, type AuditVerification } from '@confide/audit';
import type { Api } from '../api/client.js';

export interface AuditCheck {
  entries: AuditEntry[];
  /** The verification, or the error (ERR_AUDIT_*) that stopped it. */
  verified: AuditVerification | undefined;
  failure: unknown;
  /** The head the server states beside its key: the log must end exactly there (a cut log verifies too). */
  statedHead: { seq: number; hash: string };
  /**
   * The audit key against the one this browser kept from its first verified visit: a server that
   * re-signed its whole log with a new key would verify, but not as the same key. 'rotated' is a
   * new key that the log's epoch entries chain back to the kept one.
   */
  keyStatus: 'first-seen' | 'same' | 'rotated' | 'changed' | 'unverified';
}

const KEPT = 'confide.console.auditKey';

const idOf = (jwk: JsonWebKey | undefined): string => `${jwk?.x ?? ''}.${jwk?.y ?? ''}`;

/** Compares with the kept key and keeps the new one when the log vouches for it. */
function keyStatusOf(key: JsonWebKey, entries: AuditEntry[], verified: AuditVerification | undefined): AuditCheck['keyStatus'] {
  if (!verified) return 'unverified';
  const kept = localStorage.getItem(KEPT);
  const id = idOf(key);
  const keep = (status: AuditCheck['keyStatus']): AuditCheck['keyStatus'] => {
    localStorage.setItem(KEPT, id);
    return status;
  };
  if (kept === null) return keep('first-seen');
  if (kept === id) return 'same';
  // verifyAuditLog checked each epoch entry's previous key signs the part before it, so a kept key named there is vouched for.
  const vouched = entries.some((e) => e.type === AUDIT_EPOCH_TYPE && idOf(e.details['previousPublicKeyJwk'] as JsonWebKey | undefined) === kept);
  return vouched ? keep('rotated') : 'changed';
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
    return { entries, verified, failure: undefined, statedHead, keyStatus: keyStatusOf(key.data.publicKeyJwk, entries, verified) };
  } catch (failure) {
    return { entries, verified: undefined, failure, statedHead, keyStatus: 'unverified' };
  }
}
