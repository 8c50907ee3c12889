/**
 * The coordinator's audit log format and its offline verifier. Runtime-agnostic (WebCrypto and
 * @confide/core only): the CLI, the coordinator and a console page run the same code.
 */
export { canonicalJson } from './canonical-json.js';
export { AUDIT_EPOCH_TYPE, AUDIT_GENESIS_HASH, auditEntryBodyBytes, auditEntryHash, type AuditEntry, type AuditEntryBody } from './entry.js';
export { verifyAuditLog, type AuditVerifyOptions, type AuditPublicKey, type AuditVerification, type AuditFailure, type AuditEpoch } from './verify.js';
export { auditKeyThumbprint } from './key-thumbprint.js';
export * from './errors.js';
