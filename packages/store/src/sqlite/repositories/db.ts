/** Shared helpers of the SQLite repositories. */
import type Database from 'better-sqlite3';

export type Db = Database.Database;

/** Set by a write inside a transaction whose commit must reach the disk (the engine syncs the WAL after that commit). */
export interface DurableCommits {
  syncAfterCommit: boolean;
}

export { nowIso, toJson } from '../../columns.js';
