/** Shared helpers of the SQLite repositories. */
import type Database from 'better-sqlite3';

export type Db = Database.Database;

/** Set by a write inside a transaction whose commit must reach the disk (the engine syncs the WAL after that commit). */
export interface DurableCommits {
  syncAfterCommit: boolean;
}

/** A BLOB as read (a Buffer) as a plain Uint8Array, so callers compare it like any other bytes. */
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
