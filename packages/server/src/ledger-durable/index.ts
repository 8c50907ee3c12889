export { openDurableLedgerWriter, ledgerPersistenceOf, type DurableLedgerWriterOptions } from './open-durable-writer.js';
export { nodeLedgerCrypto } from './node-ledger-crypto.js';
export { AUDIT_COLLECTION, LateAuditSink, auditedReleaseSigner, auditedTokenIssuer, ledgerAuditSink, tokenEvent, type LedgerAuditEvent, type LedgerAuditSink } from './audit-sink.js';
export { COORDINATOR_COLLECTION, CoordinatorLedgerMirror, auditEntriesAfter, type CoordinatorMirrorOptions } from './coordinator-mirror.js';
