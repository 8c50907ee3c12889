/** The codes of the verifiable ledger: receipts, Merkle proofs and consistency between signed roots. */
import { CORE_ERROR_CODES, defineErrorCodes, errorClass } from '@confide/core';

export const LEDGER_ERROR_CODES = defineErrorCodes('ledger', {
  ERR_LEDGER_RECEIPT_MALFORMED: { expose: true, summary: 'A receipt or its application claims do not follow the CCF / Confidential Ledger format (details name the field).' },
  ERR_LEDGER_RECEIPT_INVALID: { expose: true, summary: 'A receipt does not verify: its claims digest, node id or root signature does not match (details give the reason).' },
  ERR_LEDGER_ENDORSEMENT_INVALID: { expose: true, summary: 'A receipt\'s node certificate is not endorsed, through its service endorsements, by the ledger\'s service identity.' },
  ERR_LEDGER_INCONSISTENT: { expose: true, summary: 'A later signed root does not extend an earlier one: the consistency proof fails or the sizes go backwards.' },
  ERR_LEDGER_PROOF_RANGE: { expose: true, summary: 'A Merkle proof was asked for a leaf or tree size the tree does not have.' },
  ERR_LEDGER_WRITER_FAILED: { expose: false, summary: 'A durable write or a root signature of the ledger writer failed: the append is not recorded, and the writer refuses appends until it is opened again from its storage (details.reason: storage, signature, hash).' },
  ERR_LEDGER_TX_ALTERED: { expose: true, summary: 'A stored ledger transaction does not match its own leaf components (an edited entry or signature transaction); details.transactionId names the first.' },
  ERR_LEDGER_TX_OUT_OF_SEQUENCE: { expose: true, summary: 'A stored ledger transaction is missing, repeated or out of place (a removed or reordered entry); details.transactionId names the first position that is wrong.' },
  ERR_LEDGER_ROOT_MISMATCH: { expose: true, summary: 'A signature transaction does not sign the root of the transactions before it (an earlier transaction was rewritten with matching digests, or the signed root was edited); details.transactionId names it.' },
  ERR_LEDGER_SIGNATURE_INVALID: { expose: true, summary: 'A signature transaction\'s signature does not verify under its node certificate, or that certificate is not endorsed by the service identity (details.reason: signature, endorsement; details.transactionId).' },
  ERR_LEDGER_TRUNCATED: { expose: true, summary: 'The ledger ends before a transaction that a kept receipt proves was signed (its tail was removed); details.transactionId names the first missing transaction.' },
  ERR_LEDGER_EXPORT_MALFORMED: { expose: true, summary: 'A ledger export does not follow the documented format (details name the line and field).' },
  // the Confidential Ledger API
  ERR_LEDGER_TRANSACTION_ID_INVALID: { expose: true, summary: 'A transaction id is not `<view>.<seqno>` in decimal without leading zeros (details name the parameter).' },
  ERR_LEDGER_TRANSACTION_NOT_FOUND: { expose: true, summary: 'The ledger has no entry with this transaction id (not yet written, another view, a signature transaction, or another collection).' },
  ERR_LEDGER_RANGE_INVALID: { expose: true, summary: 'A ranged read asks for fromTransactionId after toTransactionId, or a page of /app/collections starts at no collection index (details name the parameter).' },
  ERR_LEDGER_COLLECTION_ID_INVALID: { expose: true, summary: 'A collection id is empty, longer than 256 characters, or holds a control character.' },
  ERR_LEDGER_ENTRY_TOO_LARGE: { expose: true, summary: 'The entry\'s contents are larger than ledger.maxEntryBytes (details give the limit).' },
  ERR_LEDGER_USER_NOT_FOUND: { expose: true, summary: 'The ledger has no user with this id.' },
  ERR_LEDGER_USER_ID_INVALID: { expose: true, summary: 'A ledger user id is neither an AAD object id (a GUID) nor a certificate\'s SHA-256 fingerprint.' },
  ERR_LEDGER_LAST_ADMINISTRATOR: { expose: true, summary: 'The change would leave the ledger without an Administrator.' },
});

/** Raises the codes the ledger knows: its own and core's. */
export const LedgerError = errorClass(CORE_ERROR_CODES, LEDGER_ERROR_CODES);
export type LedgerError = InstanceType<typeof LedgerError>;
export type LedgerErrorCode = LedgerError['code'];
