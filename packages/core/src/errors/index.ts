export * from './error-codes.js';
export * from './confide-error.js';
export * from './core-codes.js';
