/**
 * `confide verify <td quote> --event-log <ccel log> [--ccel-table <table>]`: the TDX quote is
 * verified first, then its CC event log is replayed to RTMR0-3 and compared with the quote's
 * (docs/tdx-event-log.md).
 */
import { CliError } from '../errors.js';
import { verifyTdxEventLog, type TdxClaims } from '@confide/evidence';
import { readInput } from '../client/files.js';

export interface TdxVerifyOptions {
  eventLog?: string;
  ccelTable?: string;
}

/** Refuses --ccel-table without --event-log (a table alone explains nothing). */
export function checkTdxFlags(opts: TdxVerifyOptions): void {
  if (opts.ccelTable !== undefined && opts.eventLog === undefined) throw new CliError('ERR_USAGE', '--ccel-table: give the event log too (--event-log)');
}

/** The claims with `tdx.eventLog` when --event-log was given. Throws what verifyTdxEventLog throws, ERR_INPUT_UNREADABLE. */
export async function withTdxEventLog(claims: TdxClaims, opts: TdxVerifyOptions): Promise<TdxClaims> {
  if (opts.eventLog === undefined) return claims;
  const log = await readInput(opts.eventLog, '--event-log');
  const table = opts.ccelTable === undefined ? undefined : await readInput(opts.ccelTable, '--ccel-table');
  return verifyTdxEventLog(claims, log, table);
}

/** The TDX lines of the readable summary. */
export function tdxSummary(claims: TdxClaims): Array<[string, string | undefined]> {
  const log = claims.tdx.eventLog;
  if (!log) return [];
  return [
    ['event log', `${log.eventCount} events, replayed RTMR${log.replayed.join(',')}${log.table ? `, CCEL table ${log.table.oemId}/${log.table.oemTableId}` : ''}`],
    ['secure boot', log.secureBoot === undefined ? 'not measured' : String(log.secureBoot)],
    ['boot applications', log.bootApplications.map((a) => a.path ?? a.digest.slice(0, 16)).join(', ') || 'none'],
    ['kernel command line', log.kernelCommandLines.join(' | ') || undefined],
  ];
}
