/** The coordinator's state at rest: sealed under a data key that a seal provider wraps. */
export type { SealProvider } from './provider.js';
export { createFileSealProvider, sealKeyPath, type FileSealProviderOptions } from './file-provider.js';
export { createMemorySealProvider } from './memory-provider.js';
export { wrapDataKey, unwrapDataKey } from './key-wrap.js';
export { sealState, unsealState, STATE_PURPOSE } from './seal-state.js';
export { SealedStore, type SealedOpenResult, type RecoveryConfig, type RecoveryReason, type SealProviders } from './sealed-store.js';
export { createTeeSealProvider } from './tee-provider.js';
export { MEMORY_ONLY_PROVIDER, sealModeUnavailable, type TeeSealMode, type TeeSealProviders } from './seal-mode.js';
