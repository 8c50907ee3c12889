/** The coordinator's hash-chained, signed audit log. */
export { canonicalJson } from './canonical-json.js';
export { AUDIT_EVENT_TYPES, AUDIT_GENESIS_HASH, auditEntryHash, type AuditEntry, type AuditEntryBody, type AuditEventType } from './entry.js';
export { generateAuditKeyPair, createAuditSigner, type AuditSigner } from './signer.js';
export { appendAudit, exportAuditLog, readAuditHead, auditEntryKey, AUDIT_ENTRY_PREFIX, AUDIT_HEAD_KEY, type AuditEvent, type AuditContext, type AuditHead } from './append.js';
export { verifyAuditLog, type AuditPublicKey, type AuditVerification, type AuditFailure } from './verify.js';
