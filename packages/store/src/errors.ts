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
