/** The coordinator core: state machine, lifecycle and recovery, no HTTP. */
export { CoordinatorLifecycle, type LifecycleOptions, type Changed, type StartOutcome } from './lifecycle.js';
export { OPERATIONS, assertAllowed, wrongState, type Operation } from './state-machine.js';
export { CoordinatorState, STATE_MESSAGES, STATE_NAMES } from './status.js';
export type { ActivationRequest, ActivationResult } from './activation.js';
export type { SecretView } from './secrets-api.js';
export type { UpdateProgress } from './updates.js';
export type { StateData, DeploymentState, PendingUpdate } from './state.js';
export type { ActivationRecord } from './activation-ledger.js';
export { authenticateUser } from './users.js';
export { monotonicCounterId, COUNTER_MAX } from './monotonic-counter.js';
