/**
 * Every package's codes, composed: the server answers for all of them (HTTP status, problem
 * title, docs/errors.md) and the CLI maps the codes a remote answer carries. Composing refuses
 * a code that two packages declare.
 */
import { composeErrorCodes, CORE_ERROR_CODES, type CodeOf } from '@confide/core';
import { AUDIT_ERROR_CODES } from '@confide/audit/errors';
import { COORDINATOR_ERROR_CODES } from '@confide/coordinator/errors';
import { KEYVAULT_ERROR_CODES } from '@confide/keyvault/errors';
import { LEDGER_ERROR_CODES } from '@confide/ledger/errors';
import { EVIDENCE_ERROR_CODES } from '@confide/evidence/errors';
import { LAUNCHER_ERROR_CODES } from '@confide/launcher/errors';
import { POLICY_ERROR_CODES } from '@confide/policy/errors';
import { STORE_ERROR_CODES } from '@confide/store/errors';
import { SERVER_ERROR_CODES } from './server-codes.js';

/** Each package's own table, lowest layer first (the order of docs/errors.md). */
export const PACKAGE_ERROR_TABLES = [
  CORE_ERROR_CODES,
  EVIDENCE_ERROR_CODES,
  POLICY_ERROR_CODES,
  STORE_ERROR_CODES,
  AUDIT_ERROR_CODES,
  LEDGER_ERROR_CODES,
  KEYVAULT_ERROR_CODES,
  COORDINATOR_ERROR_CODES,
  LAUNCHER_ERROR_CODES,
  SERVER_ERROR_CODES,
] as const;

export const KNOWN_ERROR_CODES = composeErrorCodes(...PACKAGE_ERROR_TABLES);
/** Every code Confide declares. */
export type KnownErrorCode = CodeOf<typeof KNOWN_ERROR_CODES>;

/** True when `code` is declared by some package (a remote answer may carry anything). */
export function isKnownErrorCode(code: string): code is KnownErrorCode {
  return Object.hasOwn(KNOWN_ERROR_CODES, code);
}
