/**
 * The ledger writer made durable on the store: its persistence port is the store's
 * append-only `ledgerTransactions` repository (each group commit one SQLite transaction, synced
 * to disk), hashing by node:crypto, and writes deferred with setImmediate so one write takes
 * every append that arrived with the same turn of the event loop.
 */
import { LedgerWriter, type LedgerPersistence, type LedgerWriterOptions } from '@confide/ledger';
import type { Store } from '@confide/store';
import { nodeLedgerCrypto } from './node-ledger-crypto.js';

export interface DurableLedgerWriterOptions extends Omit<LedgerWriterOptions, 'persistence' | 'crypto' | 'defer'> {
  store: Store;
}

/** The store's ledger repository as the writer's persistence port. */
export function ledgerPersistenceOf(store: Store): LedgerPersistence {
  return store.ledgerTransactions;
}

/**
 * Opens the durable writer, restored from `store`. Throws what LedgerWriter.open throws
 * (ERR_LEDGER_TX_OUT_OF_SEQUENCE, ERR_LEDGER_TX_ALTERED, ERR_LEDGER_ROOT_MISMATCH when the stored
 * ledger does not replay) and the store's errors.
 */
export function openDurableLedgerWriter(options: DurableLedgerWriterOptions): Promise<LedgerWriter> {
  const { store, ...rest } = options;
  return LedgerWriter.open({ ...rest, persistence: ledgerPersistenceOf(store), crypto: nodeLedgerCrypto(), defer: (fn) => void setImmediate(fn) });
}
