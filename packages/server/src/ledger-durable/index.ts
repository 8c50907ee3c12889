export { openDurableLedgerWriter, ledgerPersistenceOf, type DurableLedgerWriterOptions } from './open-durable-writer.js';
export { nodeLedgerCrypto } from './node-ledger-crypto.js';
