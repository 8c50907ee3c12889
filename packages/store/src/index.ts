export * from './port.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/engine.js';
export { sqliteMigrations } from './sqlite/migrations.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres/engine.js';
export { postgresMigrations } from './postgres/migrations.js';
export { redactUrl } from './postgres/url.js';
export * from './errors.js';
export { claimSqliteDatabase } from './sqlite/serving-claim.js';
