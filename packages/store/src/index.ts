export * from './port.js';
export { openSqliteStore } from './sqlite/engine.js';
export { sqliteMigrations } from './sqlite/migrations.js';
export * from './errors.js';
