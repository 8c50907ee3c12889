/**
 * The commit thread's connection to the database file and its batch insert, as the thread's code
 * (commit-thread-worker.ts) opens them, and the stand-ins tests run in its place.
 */
import Database from 'better-sqlite3';
import { ledgerAppender } from '../repositories/ledger-transactions.js';

export function openThreadConnection(path: string, busyTimeoutMs: number): { db: Database.Database; append: ReturnType<typeof ledgerAppender> } {
  const db = new Database(path);
  // WAL is the file's mode already (the store's connection set it); these are per connection.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return { db, append: ledgerAppender(db) };
}
