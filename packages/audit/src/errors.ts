/** The code of audit-log verification. */
import { CORE_ERROR_CODES, defineErrorCodes, errorClass } from '@confide/core';

export const AUDIT_ERROR_CODES = defineErrorCodes('audit', {
  ERR_AUDIT_LOG_INVALID: { expose: true, summary: 'An audit log breaks its sequence, hash chain or signatures (details give the first bad seq).' },
});

/** Raises the codes audit knows: its own and core's. */
export const AuditError = errorClass(CORE_ERROR_CODES, AUDIT_ERROR_CODES);
export type AuditError = InstanceType<typeof AuditError>;
export type AuditErrorCode = AuditError['code'];
