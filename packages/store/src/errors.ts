/** The codes of storage: conflicting writes, an unreachable store, a failed migration. */
import { CORE_ERROR_CODES, defineErrorCodes, errorClass } from '@confide/core';

export const STORE_ERROR_CODES = defineErrorCodes('store', {
  ERR_STORE_CONFLICT: { expose: true, summary: 'A write conflicts with existing data (duplicate key or changed version).' },
  ERR_STORE_UNAVAILABLE: { expose: true, summary: 'The store cannot be opened or reached.' },
  ERR_STORE_MIGRATION_FAILED: { expose: false, summary: 'A schema migration failed; the store was left at the previous version.' },
});

/** Raises the codes the store knows: its own and core's. */
export const StoreError = errorClass(CORE_ERROR_CODES, STORE_ERROR_CODES);
export type StoreError = InstanceType<typeof StoreError>;
export type StoreErrorCode = StoreError['code'];

/**
 * The failure of an expectation a caller stated (`expectVersion`, `insertNew`): ERR_STORE_CONFLICT
 * with details.reason "expectation"; the transaction is rolled back and the caller does its work again.
 */
export function expectationFailed(message: string, cause?: unknown): StoreError {
  return new StoreError('ERR_STORE_CONFLICT', message, { details: { reason: 'expectation' }, ...(cause === undefined ? {} : { cause }) });
}

/** What a failed `expectVersion` says, on every engine. */
export const versionMovedMessage = (version: number): string => `the sealed state is no longer at version ${version}`;
/** What a refused `insertNew` says, on every engine. */
export const notNewMessage = (uuid: string): string => `the activation of ${uuid} is not a new one with room in its type`;
