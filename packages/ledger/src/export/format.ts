/**
 * The ledger export (docs/ledger.md): NDJSON, one JSON object per line. Line 1 is the header
 * `{"format":"confide-ledger-export","version":1,"view","transactions","serviceIdentity","exportedAt"}`;
 * each following line is one stored transaction exactly as the store keeps it
 * `{"seqno","kind","body","commitEvidence","writeSetDigest","claimsDigest"}`, in seqno order.
 * The export adds nothing that needs trusting: `confide ledger verify` recomputes everything
 * from the transactions and checks the signatures against the service identity.
 */
import { LedgerError } from '../errors.js';
import type { LedgerRecord } from '../writer/persistence.js';

export const LEDGER_EXPORT_FORMAT = 'confide-ledger-export';
export const LEDGER_EXPORT_VERSION = 1;

export interface LedgerExportHeader {
  format: typeof LEDGER_EXPORT_FORMAT;
  version: typeof LEDGER_EXPORT_VERSION;
  /** The view of every transaction id. */
  view: number;
  /** How many transaction lines follow. */
  transactions: number;
  /** The service identity certificate (PEM) the exporter knew, or null: `verify` reports whether it used it. */
  serviceIdentity: string | null;
  /** ISO time of the export. */
  exportedAt: string;
}

export interface LedgerExport {
  header: LedgerExportHeader;
  records: LedgerRecord[];
}

/** The header line (no newline). */
export function exportHeaderLine(h: Omit<LedgerExportHeader, 'format' | 'version'>): string {
  return JSON.stringify({ format: LEDGER_EXPORT_FORMAT, version: LEDGER_EXPORT_VERSION, view: h.view, transactions: h.transactions, serviceIdentity: h.serviceIdentity, exportedAt: h.exportedAt });
}

/** One transaction line (no newline). */
export function exportRecordLine(r: LedgerRecord): string {
  return JSON.stringify({ seqno: r.seqno, kind: r.kind, body: r.body, commitEvidence: r.commitEvidence, writeSetDigest: r.writeSetDigest, claimsDigest: r.claimsDigest });
}

function malformed(line: number, field: string, message: string): LedgerError {
  return new LedgerError('ERR_LEDGER_EXPORT_MALFORMED', `export line ${line}: ${field}: ${message}`, { details: { line, field } });
}

/** A JSON object whose members are exactly `keys`, each of the type `types` names. */
function objectLine(text: string, line: number, keys: Record<string, 'string' | 'number' | 'string|null'>): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw malformed(line, 'line', 'not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw malformed(line, 'line', 'not an object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!Object.hasOwn(keys, k)) throw malformed(line, k, 'not a member of this format');
  for (const [k, type] of Object.entries(keys)) {
    const value = o[k];
    const ok = type === 'string|null' ? value === null || typeof value === 'string' : typeof value === type;
    if (!ok) throw malformed(line, k, `missing or not a ${type}`);
  }
  return o;
}

/** Reads an export. Throws ERR_LEDGER_EXPORT_MALFORMED (details.line, details.field). */
export function parseLedgerExport(text: string): LedgerExport {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw malformed(1, 'header', 'the export is empty');
  const h = objectLine(lines[0]!, 1, { format: 'string', version: 'number', view: 'number', transactions: 'number', serviceIdentity: 'string|null', exportedAt: 'string' });
  if (h.format !== LEDGER_EXPORT_FORMAT) throw malformed(1, 'format', `not ${LEDGER_EXPORT_FORMAT}`);
  if (h.version !== LEDGER_EXPORT_VERSION) throw malformed(1, 'version', `version ${String(h.version)} is not ${LEDGER_EXPORT_VERSION}`);
  for (const k of ['view', 'transactions'] as const) if (!Number.isSafeInteger(h[k]) || (h[k] as number) < 0) throw malformed(1, k, 'not a whole number');
  const header = h as unknown as LedgerExportHeader;
  if (lines.length - 1 !== header.transactions) throw malformed(lines.length, 'transactions', `the header announces ${header.transactions} transactions, the file holds ${lines.length - 1}`);
  const records = lines.slice(1).map((text, i) => {
    const o = objectLine(text, i + 2, { seqno: 'number', kind: 'string', body: 'string', commitEvidence: 'string', writeSetDigest: 'string', claimsDigest: 'string' });
    if (o.kind !== 'entry' && o.kind !== 'signature') throw malformed(i + 2, 'kind', 'not entry or signature');
    return o as unknown as LedgerRecord;
  });
  return { header, records };
}
