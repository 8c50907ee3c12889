/** What the coordinator records in its audit log. */
import { AUDIT_EPOCH_TYPE } from '@confide/audit';

/** The event types the coordinator records; verifiers accept any type string, so new ones stay verifiable. */
export const AUDIT_EVENT_TYPES = [
  'manifest.set',
  'manifest.update',
  'manifest.update.acknowledge',
  'manifest.update.cancel',
  'package.update',
  'secret.write',
  'marble.activate',
  'marble.counter',
  'recovery.start',
  'recovery.share',
  'recovery.complete',
  'seal.rewrap',
  AUDIT_EPOCH_TYPE,
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

