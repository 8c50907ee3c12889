/** Column conversions both engines share: bytes as plain Uint8Array, JSON columns, times, pages. */
import type { Page } from './port.js';

/** A BLOB/BYTEA as read (a Buffer) as a plain Uint8Array, so callers compare it like any other bytes. */
export function bytes(blob: Uint8Array): Uint8Array {
  return new Uint8Array(blob);
}

/** A JSON column: null stays null. */
export function fromJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

export function toJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** The first `limit` of `rows` (fetched one longer) and the cursor of the next page. */
export function pageOf<R, T>(rows: R[], limit: number, map: (r: R) => T, cursor: (r: R) => string): Page<T> {
  const items = rows.slice(0, limit);
  return rows.length > limit ? { items: items.map(map), next: cursor(items[items.length - 1]!) } : { items: items.map(map) };
}
