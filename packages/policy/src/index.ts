export * from './types.js';
export { parsePolicy } from './parser.js';
export { evaluatePolicy, assertAuthorized, type IncomingClaim } from './evaluate.js';
export { policyHash } from './policy-hash.js';
export { searchJmesPath } from './jmespath/interpreter.js';
export type { Json } from './jmespath/ast.js';
export { POLICY_LIMITS } from './limits.js';
export * from './key-release/index.js';
export * from './errors.js';
