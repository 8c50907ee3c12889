/** TDX CC event logs (the CCEL): the ACPI table, parse, RTMR replay, decoded claims. */
export { parseCcelTable, CCEL_TABLE_BYTES, CC_TYPE_TDX, type CcelTable } from './ccel-table.js';
export { parseCcEventLog, replayRtmrs, verifyTdxEventLog, RTMR_COUNT } from './verify-event-log.js';
export { decodeCcEvents, type TdxEventLogClaims, type TdxEventLogDecoded, type TdxEventClaim } from './claims.js';
