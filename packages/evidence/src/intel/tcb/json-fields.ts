/**
 * Strict readers for fields of Intel's signed collateral JSON. Every failure names the field's
 * path, so a malformed TCB Info or QE Identity says exactly what is wrong.
 */
import { EvidenceError } from '../../errors.js';

export type JsonObject = Record<string, unknown>;

/** Throws ERR_COLLATERAL_MALFORMED naming the field. */
export function malformed(path: string, problem: string): never {
  throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `${path}: ${problem}`, { details: { field: path } });
}

/** Parses a signed body; a body that is not a JSON object throws ERR_COLLATERAL_MALFORMED. */
export function parseJsonObject(text: string, path: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `${path}: not valid JSON`, { cause, details: { field: path } });
  }
  return asObject(value, path);
}

export function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed(path, 'expected an object');
  return value as JsonObject;
}

export function asArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) malformed(path, 'expected an array');
  return value;
}

export function objectField(o: JsonObject, key: string, path: string): JsonObject {
  return asObject(o[key], `${path}.${key}`);
}

/** A non-empty array (Intel's schemas never allow an empty list of levels). */
export function arrayField(o: JsonObject, key: string, path: string): unknown[] {
  const a = asArray(o[key], `${path}.${key}`);
  if (a.length === 0) malformed(`${path}.${key}`, 'expected a non-empty array');
  return a;
}

export function stringField(o: JsonObject, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string') malformed(`${path}.${key}`, 'expected a string');
  return v;
}

/** An unsigned integer no larger than `max`. */
export function uintField(o: JsonObject, key: string, path: string, max: number): number {
  return asUint(o[key], `${path}.${key}`, max);
}

export function asUint(v: unknown, path: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    malformed(path, `expected an integer in 0..${max}`);
  }
  return v;
}

/** Hex of exactly `bytes` bytes, returned lower-case. */
export function hexField(o: JsonObject, key: string, path: string, bytes: number): string {
  const v = stringField(o, key, path);
  if (v.length !== bytes * 2 || !/^[0-9a-fA-F]*$/.test(v)) malformed(`${path}.${key}`, `expected ${bytes} bytes of hex`);
  return v.toLowerCase();
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 date-time with a zone, kept as served. */
export function dateField(o: JsonObject, key: string, path: string): string {
  const v = stringField(o, key, path);
  if (!ISO_DATE.test(v) || Number.isNaN(Date.parse(v))) malformed(`${path}.${key}`, 'expected an ISO-8601 date-time');
  return v;
}

/** `advisoryIDs` is optional in every level; when present it is a list of strings. */
export function advisoryIds(o: JsonObject, path: string): string[] {
  const v = o['advisoryIDs'];
  if (v === undefined) return [];
  return asArray(v, `${path}.advisoryIDs`).map((id, i) => {
    if (typeof id !== 'string') malformed(`${path}.advisoryIDs[${i}]`, 'expected a string');
    return id;
  });
}

/** One level of an enclave identity's TCB: the ISV SVN it covers and Intel's verdict. */
export interface IsvSvnLevel {
  isvSvn: number;
  tcbDate: string;
  tcbStatus: string;
  advisoryIds: string[];
}

/**
 * `tcbLevels` of an enclave identity (QE Identity, a TDX module identity): each level holds
 * `tcb.isvsvn` (no larger than `maxSvn`), `tcbDate`, `tcbStatus` and optional `advisoryIDs`.
 */
export function isvSvnLevels(o: JsonObject, path: string, maxSvn: number): IsvSvnLevel[] {
  return arrayField(o, 'tcbLevels', path).map((l, i) => {
    const lp = `${path}.tcbLevels[${i}]`;
    const lo = asObject(l, lp);
    return {
      isvSvn: uintField(objectField(lo, 'tcb', lp), 'isvsvn', `${lp}.tcb`, maxSvn),
      tcbDate: dateField(lo, 'tcbDate', lp),
      tcbStatus: stringField(lo, 'tcbStatus', lp),
      advisoryIds: advisoryIds(lo, lp),
    };
  });
}
