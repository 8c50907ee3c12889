/**
 * Appending to the audit log inside the store transaction that makes the change it records:
 * the entry lands with the change or not at all. The store's audit-log repository keeps the
 * entries append-only and refuses one that does not extend the head (seq and prevHash).
 */
import { createHash } from 'node:crypto';
import { fromHex, toBase64Url, type Clock } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { Repositories } from '@confide/store';
import { AUDIT_GENESIS_HASH, auditEntryBodyBytes, canonicalJson, type AuditEntry, type AuditEntryBody } from '@confide/audit';
import { AUDIT_EVENT_TYPES, type AuditEventType } from './event-types.js';
import type { AuditSigner } from './signer.js';

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
  return (await repos.auditLog.head()) ?? { seq: 0, hash: AUDIT_GENESIS_HASH };
}

/**
 * Appends a signed entry for `event`, using the repositories of the transaction that makes the
 * change. Throws ERR_INTERNAL (unknown type, details not plain JSON), ERR_STORE_CONFLICT (another
 * writer took the seq: the transaction must roll back).
 */
export async function appendAudit(repos: Repositories, event: AuditEvent, ctx: AuditContext): Promise<AuditEntry> {
  if (!(AUDIT_EVENT_TYPES as readonly string[]).includes(event.type)) {
    throw new CoordinatorError('ERR_INTERNAL', `unknown audit event type ${event.type}`);
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
  // auditEntryHash's digest on this thread: a WebCrypto digest of a few hundred bytes costs a pool round trip.
  const hash = createHash('sha256').update(auditEntryBodyBytes(body)).digest('hex');
  const entry: AuditEntry = { ...body, hash, sig: toBase64Url(await ctx.signer.sign(fromHex(hash))) };
  // Stored as canonical JSON text: what the store hands back is exactly what was hashed.
  const text = canonicalJson(entry);
  await repos.auditLog.append({ seq: entry.seq, prevHash: entry.prevHash, hash: entry.hash, entry: text });
  return JSON.parse(text) as AuditEntry;
}

/** The log after seq `afterSeq` (default 0: the whole log) as JSON lines (canonical JSON, one entry per line, newline-terminated), oldest first. */
export async function exportAuditLog(repos: Repositories, afterSeq = 0): Promise<string> {
  const rows = await repos.auditLog.list(afterSeq);
  return rows.map((r) => r.entry + '\n').join('');
}
