/**
 * The readable log format: pino hands each record, already redacted, to this stream as a JSON
 * line; it rewrites it as one line a person can scan. Formatting after redaction keeps secrets out.
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields shown in fixed places, or pino's bookkeeping that adds nothing on a terminal. */
const SHOWN = new Set(['time', 'level', 'reqId', 'msg', 'pid', 'hostname']);

function clock(time: unknown): string {
  const d = new Date(typeof time === 'number' ? time : Date.now());
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** One pino JSON line to one readable line; a line that is not a JSON object is passed through. */
export function prettyLogLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return json.trimEnd();
    record = parsed as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const level = typeof record['level'] === 'number' ? (LEVELS[record['level']] ?? `L${record['level']}`) : String(record['level'] ?? '');
  const parts = [clock(record['time']), level.padEnd(5)];
  if (record['reqId'] !== undefined) parts.push(`[${String(record['reqId'])}]`);
  if (record['msg'] !== undefined) parts.push(String(record['msg']));
  for (const [key, value] of Object.entries(record)) if (!SHOWN.has(key)) parts.push(`${key}=${fieldValue(value)}`);
  return parts.join(' ');
}

/** A pino destination that writes each record as a readable line to `out`. */
export function prettyLogStream(out: { write(text: string): unknown }): { write(line: string): void } {
  return {
    write(line: string): void {
      for (const one of line.split('\n')) if (one.trim() !== '') out.write(`${prettyLogLine(one)}\n`);
    },
  };
}
