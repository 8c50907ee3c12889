export {};
export * from './sealing/index.js';
export * from './recovery/index.js';
export * from './audit/index.js';
export * from './manifest/index.js';
export * from './core/index.js';
export * from './pki/index.js';
export * from './secrets/index.js';
export * from './templates/index.js';
