export * from './types.js';
export * from './collateral/types.js';
