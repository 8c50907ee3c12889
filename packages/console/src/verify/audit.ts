/** The coordinator's audit log, fetched and verified in the page with @confide/audit (hash chain, signatures, head), incrementally from round to round. */
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
  /** 'incremental': only the entries after the head verified in the round before were verified now. */
  mode: 'full' | 'incremental';
  /** Entries hashed and signature-checked in this round. */
  verifiedNow: number;
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

interface Kept {
  /** The lines verified, exactly as the server sent them. */
  lines: string[];
  entries: AuditEntry[];
  keyId: string;
  verified: AuditVerification;
}

/**
 * An audit log checker that remembers what it verified: each round fetches the log and, when the
 * key is the same and the lines verified before come back unchanged (compared as text: no
 * hashing), verifies only the lines after them from the head it verified (verifyAuditLog's
 * continuation). Any other answer (a changed line, a shorter log, another key, a failure) is
 * verified from seq 1 again, so a change to an old entry is caught in the round it appears.
 */
export function createAuditChecker(api: Api): () => Promise<AuditCheck> {
  let kept: Kept | undefined;
  return async () => {
    const [text, key] = await Promise.all([
      api.text('/api/v2/audit-log'),
      api.json<{ data: { publicKeyJwk: JsonWebKey; headSeq: number; headHash: string } }>('/api/v2/audit-log/public-key'),
    ]);
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const statedHead = { seq: key.data.headSeq, hash: key.data.headHash };
    const keyId = idOf(key.data.publicKeyJwk);
    const before = kept;
    kept = undefined;
    const continues = before !== undefined && before.keyId === keyId && lines.length >= before.lines.length && before.lines.every((l, i) => l === lines[i]);
    const fresh = continues ? lines.slice(before.lines.length) : lines;
    let entries: AuditEntry[] = continues ? before.entries : [];
    try {
      entries = [...entries, ...fresh.map((l) => JSON.parse(l) as AuditEntry)];
    } catch {
      // Not JSON: verifyAuditLog names the line; the table shows what parsed.
    }
    try {
      let verified: AuditVerification;
      if (continues) {
        const more = await verifyAuditLog(fresh, key.data.publicKeyJwk, { after: { seq: before.verified.headSeq, hash: before.verified.headHash } });
        verified = { count: before.verified.count + more.count, headSeq: more.headSeq, headHash: more.headHash, epochs: [...before.verified.epochs, ...more.epochs] };
      } else {
        verified = await verifyAuditLog(lines, key.data.publicKeyJwk);
      }
      kept = { lines, entries, keyId, verified };
      const keyStatus = keyStatusOf(key.data.publicKeyJwk, entries, verified);
      return { entries, verified, failure: undefined, statedHead, keyStatus, mode: continues ? 'incremental' : 'full', verifiedNow: fresh.length };
    } catch (failure) {
      return { entries, verified: undefined, failure, statedHead, keyStatus: 'unverified', mode: continues ? 'incremental' : 'full', verifiedNow: 0 };
    }
  };
}
