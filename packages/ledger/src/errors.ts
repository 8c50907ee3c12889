/** The codes of the verifiable ledger: receipts, Merkle proofs and consistency between signed roots. */
import { CORE_ERROR_CODES, defineErrorCodes, errorClass } from '@confide/core';

export const LEDGER_ERROR_CODES = defineErrorCodes('ledger', {
  ERR_LEDGER_RECEIPT_MALFORMED: { expose: true, summary: 'A receipt or its application claims do not follow the CCF / Confidential Ledger format (details name the field).' },
  ERR_LEDGER_RECEIPT_INVALID: { expose: true, summary: 'A receipt does not verify: its claims digest, node id or root signature does not match (details give the reason).' },
  ERR_LEDGER_ENDORSEMENT_INVALID: { expose: true, summary: 'A receipt\'s node certificate is not endorsed, through its service endorsements, by the ledger\'s service identity.' },
  ERR_LEDGER_INCONSISTENT: { expose: true, summary: 'A later signed root does not extend an earlier one: the consistency proof fails or the sizes go backwards.' },
  ERR_LEDGER_PROOF_RANGE: { expose: true, summary: 'A Merkle proof was asked for a leaf or tree size the tree does not have.' },
});

/** Raises the codes the ledger knows: its own and core's. */
export const LedgerError = errorClass(CORE_ERROR_CODES, LEDGER_ERROR_CODES);
export type LedgerError = InstanceType<typeof LedgerError>;
export type LedgerErrorCode = LedgerError['code'];
