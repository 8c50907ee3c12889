/**
 * A TDX CC event log (the CCEL's log area) checked against a verified quote: the log is the TCG
 * crypto-agile format with SHA-384 digests, its index field is the MR index of the UEFI CC
 * measurement protocol (UEFI 2.10, 38.4 "EFI CC Measurement Protocol"; for TDX MR index 0 is
 * MRTD, 1-4 are RTMR0-3), and replaying it must give the quote's four RTMRs.
 */
import { toHex } from '@confide/core';
import { EvidenceError } from '../../errors.js';
import type { TdxClaims } from '../../claims.js';
import { parseTcgEventLog, type TcgEventLog } from '../../tpm/event-log/parse.js';
import { replayBank } from '../../tpm/event-log/replay.js';
import { EV } from '../../tpm/event-log/event-types.js';
import { parseCcelTable, type CcelTable } from './ccel-table.js';
import { decodeCcEvents, type TdxEventLogClaims } from './claims.js';

export const RTMR_COUNT = 4;
const RTMR_BYTES = 48;
/** MR index of RTMR0: RTMR i is extended by events of MR index i + 1. */
const FIRST_RTMR_MR_INDEX = 1;
/** The Spec ID event's index: 0 in td-shim's logs, 1 (RTMR0) in EDK2 TDVF's. */
const SPEC_ID_INDEXES = [0, 1];

function malformed(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `TDX event log: ${message}`);
}

/**
 * Parses a CC event log (as read from the CCEL log area, trailing fill allowed). Throws
 * ERR_EVIDENCE_MALFORMED for a log that is not crypto-agile with SHA-384, past the table's log
 * area, or with an extending event outside RTMR0-3.
 */
export function parseCcEventLog(bytes: Uint8Array, table?: CcelTable): TcgEventLog {
  if (table && bytes.length > table.logAreaLength) malformed(`${bytes.length} bytes, more than the CCEL table's log area (${table.logAreaLength})`);
  const log = parseTcgEventLog(bytes, { specIdIndexes: SPEC_ID_INDEXES });
  if (log.format !== 'crypto-agile' || !log.banks.includes('sha384')) malformed(`a ${log.format} log with banks ${log.banks.join(', ')}, not SHA-384`);
  for (const e of log.events) {
    if (e.type === EV.NO_ACTION) continue;
    if (e.pcr < FIRST_RTMR_MR_INDEX || e.pcr >= FIRST_RTMR_MR_INDEX + RTMR_COUNT) malformed(`event ${e.index} at offset ${e.offset} extends MR index ${e.pcr}, not an RTMR (1-4)`);
  }
  return log;
}

/** The four RTMR values the log replays to (an RTMR no event extends stays zero). */
export async function replayRtmrs(log: TcgEventLog): Promise<string[]> {
  const values = replayBank(log, 'sha384');
  return Array.from({ length: RTMR_COUNT }, (_, i) => toHex(values.get(i + FIRST_RTMR_MR_INDEX) ?? new Uint8Array(RTMR_BYTES)));
}

/**
 * Replays a CC event log (with its CCEL table, optionally) against verified TDX claims and
 * returns the claims with `tdx.eventLog`. Throws ERR_EVIDENCE_BINDING_MISMATCH naming the RTMR
 * when a replay differs from the quote's, ERR_EVIDENCE_MALFORMED for a malformed log or table,
 * ERR_EVIDENCE_UNSUPPORTED for a table of another CC type.
 */
export async function verifyTdxEventLog(claims: TdxClaims, logBytes: Uint8Array, tableBytes?: Uint8Array): Promise<TdxClaims> {
  const table = tableBytes ? parseCcelTable(tableBytes) : undefined;
  const log = parseCcEventLog(logBytes, table);
  const replayed = await replayRtmrs(log);
  for (let i = 0; i < RTMR_COUNT; i++) {
    const quoted = claims.tdx.rtmrs[i];
    if (replayed[i] !== quoted) {
      throw new EvidenceError('ERR_EVIDENCE_BINDING_MISMATCH', `TDX event log: the log replays RTMR${i} to ${replayed[i]}, but the quote has ${quoted}`, {
        details: { field: 'eventLog', rtmr: i },
      });
    }
  }
  const decoded = await decodeCcEvents(log.events);
  const eventLog: TdxEventLogClaims = {
    eventCount: decoded.events.length,
    replayed: Array.from({ length: RTMR_COUNT }, (_, i) => i),
    ...(table ? { table } : {}),
    ...decoded,
  };
  return { ...claims, tdx: { ...claims.tdx, eventLog } };
}
