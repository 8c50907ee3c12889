export * from './types.js';
export { parseKeyReleasePolicy } from './parse.js';
export { evaluateKeyReleasePolicy, assertKeyReleaseAllowed, type KeyReleaseVerdict } from './evaluate.js';
export { normalizeAuthority, authorityMatches } from './authority.js';
export { readClaim } from './claim-path.js';
export { KEY_RELEASE_POLICY_LIMITS } from './limits.js';
