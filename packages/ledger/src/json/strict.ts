/**
 * Strict reading of receipt JSON: every member named, every value of its type, no member the
 * format does not have. A verifier that skipped unknown or misspelt members would accept
 * receipts whose bytes were changed, which the ledger promises to detect.
 */
import { LedgerError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

/** ERR_LEDGER_RECEIPT_MALFORMED naming the field. */
export function malformed(field: string, message: string): LedgerError {
  return new LedgerError('ERR_LEDGER_RECEIPT_MALFORMED', `${field}: ${message}`, { details: { field } });
}

/** `value` as a plain object whose members are all among `required` and `optional`, with every required one present. */
export function objectWith(value: unknown, at: string, required: readonly string[], optional: readonly string[] = []): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(at, 'not an object');
  const o = value as JsonObject;
  for (const k of Object.keys(o)) if (!required.includes(k) && !optional.includes(k)) throw malformed(`${at}.${k}`, 'not a member of this format');
  for (const k of required) if (!Object.hasOwn(o, k)) throw malformed(`${at}.${k}`, 'missing');
  return o;
}

/** A string member. */
export function stringAt(o: JsonObject, key: string, at: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw malformed(`${at}.${key}`, 'not a string');
  return v;
}

/** An array member. */
export function arrayAt(o: JsonObject, key: string, at: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) throw malformed(`${at}.${key}`, 'not an array');
  return v;
}

/** `text` parsed as JSON, or ERR_LEDGER_RECEIPT_MALFORMED. */
export function parseJson(text: string, at: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw malformed(at, 'not JSON');
  }
}
