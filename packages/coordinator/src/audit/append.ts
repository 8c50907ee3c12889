/**
 * Appending to the audit log inside the store transaction that makes the change it records:
 * the entry lands with the change or not at all. Entries live under coordinator/audit/<seq, 12
 * digits>, so key order is log order; coordinator/audit-head holds the last seq and hash.
 */
import { ConfideError, fromHex, toBase64Url, type Clock } from '@confide/core';
import type { Repositories } from '@confide/store';
import { AUDIT_GENESIS_HASH, auditEntryHash, canonicalJson, type AuditEntry, type AuditEntryBody } from '@confide/audit';
import { AUDIT_EVENT_TYPES, type AuditEventType } from './event-types.js';
import type { AuditSigner } from './signer.js';

/** Settings key prefix of the entries. */
export const AUDIT_ENTRY_PREFIX = 'coordinator/audit/';
/** Settings key of the head pointer (outside the entry prefix). */
export const AUDIT_HEAD_KEY = 'coordinator/audit-head';

const SEQ_DIGITS = 12;

/** Settings key of entry `seq`. */
export function auditEntryKey(seq: number): string {
  return AUDIT_ENTRY_PREFIX + String(seq).padStart(SEQ_DIGITS, '0');
}

export interface AuditEvent {
  type: AuditEventType;
  /** User name, marble UUID, or "coordinator". */
  actor: string;
  /** Names, hashes, counts: never a secret value. */
  details?: Record<string, unknown>;
}

export interface AuditContext {
  signer: AuditSigner;
  clock: Clock;
}

/** Last seq and hash of the log; seq 0 and the genesis hash while it is empty. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** Reads the head pointer. */
export async function readAuditHead(repos: Repositories): Promise<AuditHead> {
  const head = await repos.settings.get<AuditHead>(AUDIT_HEAD_KEY);
  return head ?? { seq: 0, hash: AUDIT_GENESIS_HASH };
}

/**
 * Appends a signed entry for `event`, using the repositories of the transaction that makes the
 * change. Throws ERR_INTERNAL (unknown type, details not plain JSON), ERR_STORE_CONFLICT (another
 * writer took the seq: the transaction must roll back).
 */
export async function appendAudit(repos: Repositories, event: AuditEvent, ctx: AuditContext): Promise<AuditEntry> {
  if (!(AUDIT_EVENT_TYPES as readonly string[]).includes(event.type)) {
    throw new ConfideError('ERR_INTERNAL', `unknown audit event type ${event.type}`);
  }
  const head = await readAuditHead(repos);
  const body: AuditEntryBody = {
    seq: head.seq + 1,
    time: ctx.clock.now().toISOString(),
    type: event.type,
    actor: event.actor,
    details: event.details ?? {},
    prevHash: head.hash,
  };
  canonicalJson(body.details); // refuse what would not survive the store's JSON round trip, before signing
  const hash = await auditEntryHash(body);
  const entry: AuditEntry = { ...body, hash, sig: toBase64Url(await ctx.signer.sign(fromHex(hash))) };
  // Stored as parsed canonical JSON: what the store hands back is exactly what was hashed.
  const stored = JSON.parse(canonicalJson(entry)) as AuditEntry;
  if (!(await repos.settings.putIfAbsent(auditEntryKey(entry.seq), stored))) {
    throw new ConfideError('ERR_STORE_CONFLICT', `audit entry ${entry.seq} already exists`);
  }
  await repos.settings.put(AUDIT_HEAD_KEY, { seq: entry.seq, hash: entry.hash } satisfies AuditHead);
  return stored;
}

/** The whole log as JSON lines (canonical JSON, one entry per line, newline-terminated), oldest first. */
export async function exportAuditLog(repos: Repositories): Promise<string> {
  const rows = await repos.settings.list(AUDIT_ENTRY_PREFIX);
  return rows.map((r) => canonicalJson(r.value) + '\n').join('');
}
