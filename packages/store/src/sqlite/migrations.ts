/** SQLite schema migrations, applied in order; each runs in its own transaction. */
import type { Migration } from '../port.js';

export const sqliteMigrations: Migration[] = [
  {
    version: 1,
    name: 'settings',
    sql: `CREATE TABLE settings (
      key TEXT PRIMARY KEY NOT NULL,
      value TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;`,
  },
];
