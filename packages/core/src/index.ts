export * from './errors/index.js';
export * from './bytes.js';
export * from './clock.js';
export * from './limits.js';
export * from './pem.js';
export * from './freeze.js';
export * from './shamir/index.js';
export * from './json-object.js';
