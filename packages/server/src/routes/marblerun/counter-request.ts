/**
 * MonotonicCounterRequest (coordinator/server/v2/types.go) as Go's encoding/json decodes it into
 * `{Name string "json:name"; Value uint64 "json:value"}`: field names matched case-insensitively
 * (the last match wins), unknown fields ignored, `null` leaving a field at its zero value, and
 * the value a plain unsigned decimal up to 2^64-1 (strconv.ParseUint: no sign, fraction or
 * exponent). JSON.parse would round a uint64 above 2^53, so the value's token is read from the
 * text itself, which JSON.parse has checked first.
 */
import { ServerError } from '../../errors/index.js';

const UINT64_MAX = 2n ** 64n - 1n;
const DIGITS = /^(0|[1-9][0-9]*)$/;
const WS = new Set([' ', '\t', '\n', '\r']);

export interface CounterRequest {
  name: string;
  value: bigint;
}

function malformed(message: string, field?: string): ServerError {
  return new ServerError('ERR_BODY_MALFORMED', message, field ? { details: { field } } : {});
}

function skipWs(text: string, i: number): number {
  while (i < text.length && WS.has(text[i]!)) i++;
  return i;
}

/** The index just past the string token starting at `i`. */
function endOfString(text: string, i: number): number {
  let j = i + 1;
  while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** The index just past the value token starting at `i` (the text is valid JSON). */
function endOfValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return endOfString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    let j = i;
    do {
      const d = text[j];
      if (d === '"') {
        j = endOfString(text, j);
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') depth--;
      j++;
    } while (depth > 0);
    return j;
  }
  let j = i;
  while (j < text.length && !WS.has(text[j]!) && text[j] !== ',' && text[j] !== '}' && text[j] !== ']') j++;
  return j;
}

/** The top-level object's members as [name, raw value token], in order; null for a JSON null. */
function members(text: string): Array<[string, string]> | null {
  let i = skipWs(text, 0);
  if (text.startsWith('null', i)) return null;
  if (text[i] !== '{') throw malformed('json: cannot unmarshal a non-object into MonotonicCounterRequest');
  const out: Array<[string, string]> = [];
  i = skipWs(text, i + 1);
  while (text[i] !== '}') {
    const keyEnd = endOfString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const start = skipWs(text, skipWs(text, keyEnd) + 1);
    const end = endOfValue(text, start);
    out.push([key, text.slice(start, end)]);
    i = skipWs(text, end);
    if (text[i] === ',') i = skipWs(text, i + 1);
  }
  return out;
}

/** Decodes the body as MarbleRun's handler does. Throws ERR_BODY_MALFORMED (a 400 `fail`, as MonotonicCounterPost). */
export function readCounterRequest(body: string): CounterRequest {
  try {
    JSON.parse(body);
  } catch (err) {
    throw malformed(`the body is not JSON: ${(err as Error).message}`);
  }
  const request: CounterRequest = { name: '', value: 0n };
  for (const [key, raw] of members(body) ?? []) {
    const field = key.toLowerCase();
    if (raw === 'null') continue;
    if (field === 'name') {
      if (!raw.startsWith('"')) throw malformed('json: cannot unmarshal into field name of type string', 'name');
      request.name = JSON.parse(raw) as string;
    } else if (field === 'value') {
      if (!DIGITS.test(raw) || BigInt(raw) > UINT64_MAX) throw malformed(`json: cannot unmarshal ${raw.slice(0, 32)} into field value of type uint64`, 'value');
      request.value = BigInt(raw);
    }
  }
  return request;
}
