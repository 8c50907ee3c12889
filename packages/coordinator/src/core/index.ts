/** The coordinator core: state machine and client API, no HTTP. */
export { CoordinatorService, wrongState, type CoordinatorOptions, type EvidenceSettings, type StatusResult, type Changed, type CoordinatorContext } from './service.js';
export { CoordinatorState, STATE_MESSAGES, STATE_NAMES } from './status.js';
export type { ActivationRequest, ActivationResult } from './activation.js';
export type { SecretView } from './secrets-api.js';
export type { UpdateProgress } from './updates.js';
export type { StateData, DeploymentState, PendingUpdate } from './state.js';
export type { ActivationRecord } from './activation-ledger.js';
export { authenticateUser, isPermitted } from './users.js';
