export * from './errors.js';
export * from './bytes.js';
export * from './binary-reader.js';
export * from './clock.js';
export * from './limits.js';
export * from './pem.js';
export * from './freeze.js';
