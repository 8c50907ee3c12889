/** The coordinator's side of its hash-chained, signed audit log: keys and appending. Verification is @confide/audit. */
export { AUDIT_EVENT_TYPES, type AuditEventType } from './event-types.js';
export { generateAuditKeyPair, createAuditSigner, type AuditSigner } from './signer.js';
export { appendAudit, exportAuditLog, readAuditHead, type AuditEvent, type AuditContext, type AuditHead } from './append.js';
