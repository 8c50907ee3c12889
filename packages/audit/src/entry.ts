/**
 * Audit log entries. Each entry names the one before it by hash, so the log is a chain:
 *   hash = SHA-256(canonical JSON of { seq, time, type, actor, details, prevHash }), lower-case hex
 *   sig  = ECDSA P-256 / SHA-256 over the 32 hash bytes, IEEE P1363 (r || s), base64url
 * The first entry has seq 1 and prevHash of 64 zeros. Runs in any runtime.
 */
import { digest, toHex, utf8 } from '@confide/core';
import { canonicalJson } from './canonical-json.js';

/**
 * The entry that starts a new audit key's part of the log (a coordinator that started over):
 * details.publicKeyJwk is the key from this entry on, details.previousPublicKeyJwk the key before.
 */
export const AUDIT_EPOCH_TYPE = 'audit.epoch';

/** prevHash of the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The fields the hash covers. */
export interface AuditEntryBody {
  seq: number;
  /** ISO 8601 UTC time of the change. */
  time: string;
  type: string;
  /** User name, marble UUID, or "coordinator". */
  actor: string;
  /** What changed: names, hashes, counts. Never a secret value. */
  details: Record<string, unknown>;
  prevHash: string;
}

export interface AuditEntry extends AuditEntryBody {
  hash: string;
  sig: string;
}

/** The bytes an entry's hash is taken over: the UTF-8 canonical JSON of its body fields (other fields are ignored). */
export function auditEntryBodyBytes(entry: AuditEntryBody): Uint8Array {
  const body: AuditEntryBody = {
    seq: entry.seq,
    time: entry.time,
    type: entry.type,
    actor: entry.actor,
    details: entry.details,
    prevHash: entry.prevHash,
  };
  return utf8(canonicalJson(body));
}

/** Hex SHA-256 of `auditEntryBodyBytes(entry)`. */
export async function auditEntryHash(entry: AuditEntryBody): Promise<string> {
  return toHex(await digest('SHA-256', auditEntryBodyBytes(entry)));
}
