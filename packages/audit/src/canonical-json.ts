/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, numbers and strings as
 * JSON.stringify writes them. For the values the audit log holds this is RFC 8785 (JCS), so any
 * JCS library reproduces the bytes an entry hash covers. Runs in any runtime.
 */
import type { ConfideError } from '@confide/core';
import { AuditError } from './errors.js';

function unsupported(path: string, what: string): ConfideError {
  return new AuditError('ERR_INTERNAL', `cannot encode ${what} at ${path} as canonical JSON`);
}

function encode(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw unsupported(path, String(value));
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v, i) => encode(v, `${path}[${i}]`)).join(',')}]`;
      const proto = Object.getPrototypeOf(value) as unknown;
      // Dates, byte arrays and class instances would encode through toJSON or not at all: refuse them.
      if (proto !== Object.prototype && proto !== null) throw unsupported(path, 'a non-plain object');
      const obj = value as Record<string, unknown>;
      const members: string[] = [];
      for (const key of Object.keys(obj).sort()) {
        if (obj[key] === undefined) continue; // as JSON.stringify: absent and undefined mean the same
        members.push(`${JSON.stringify(key)}:${encode(obj[key], `${path}.${key}`)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      throw unsupported(path, typeof value);
  }
}

/** The canonical JSON text of `value`. Throws ERR_INTERNAL for values JSON cannot carry (undefined in arrays, NaN, bigint, class instances). */
export function canonicalJson(value: unknown): string {
  return encode(value, '$');
}
