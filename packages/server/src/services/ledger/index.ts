/** The Confidential Ledger service: data plane, identity and users, without HTTP. */
export { LedgerService, LEDGER_PAGE_SIZE, checkCollectionId, type EntryResult, type LedgerServiceOptions, type RangePage, type RangeQuery } from './ledger-service.js';
export { openLedgerIdentity, type LedgerIdentity, type OpenLedgerIdentityOptions } from './identity.js';
export { LedgerUsers, LEDGER_ROLES, certificateUserId, normalizeUserId, type LedgerRole } from './users.js';
