/**
 * The coordinator's state machine as one table: each operation and the states it may run in.
 * Every operation asks `assertAllowed` first; mutations ask again inside the store transaction
 * that makes the change (lifecycle.ts), so a state that moved meanwhile refuses it there.
 */
import type { ConfideError } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { CoordinatorState, STATE_NAMES } from './status.js';

const { Recovery, AcceptingManifest, AcceptingMarbles } = CoordinatorState;

/** Operation -> the words errors use for it and the states that allow it. */
export const OPERATIONS = {
  setManifest: { name: 'setting the manifest', allowed: [AcceptingManifest] },
  /** Dev mode's MarbleRun behaviour: a manifest set in recovery discards the sealed state. Production leaves it to the operator. */
  startOver: { name: 'setting a new manifest in recovery', allowed: [Recovery] },
  readManifest: { name: 'reading the manifest', allowed: [AcceptingMarbles] },
  activate: { name: 'marble activation', allowed: [AcceptingMarbles] },
  authenticate: { name: 'user authentication', allowed: [AcceptingMarbles] },
  readSecrets: { name: 'reading secrets', allowed: [AcceptingMarbles] },
  writeSecrets: { name: 'writing secrets', allowed: [AcceptingMarbles] },
  update: { name: 'manifest update', allowed: [AcceptingMarbles] },
  acknowledgeUpdate: { name: 'acknowledging a manifest update', allowed: [AcceptingMarbles] },
  cancelUpdate: { name: 'cancelling a manifest update', allowed: [AcceptingMarbles] },
  readPendingUpdate: { name: 'reading the pending update', allowed: [AcceptingMarbles] },
  readUpdateLog: { name: 'reading the update log', allowed: [AcceptingMarbles] },
  signQuote: { name: 'signing a quote', allowed: [AcceptingMarbles] },
  monotonicCounter: { name: 'setting a monotonic counter', allowed: [AcceptingMarbles] },
  readAuditKey: { name: 'reading the audit key', allowed: [AcceptingManifest, AcceptingMarbles] },
  recover: { name: 'recovery', allowed: [Recovery] },
  readRecoveryKey: { name: 'reading the recovery public key', allowed: [Recovery] },
  quote: { name: 'quote', allowed: [Recovery, AcceptingManifest, AcceptingMarbles] },
  /** MarbleRun's marble API serves its TLS certificate once the CA exists (core.GetTLSMarbleRootCertificate). */
  meshIdentity: { name: 'serving the marble API', allowed: [AcceptingManifest, AcceptingMarbles] },
} as const satisfies Record<string, { name: string; allowed: readonly CoordinatorState[] }>;

export type Operation = keyof typeof OPERATIONS;

/** ERR_COORDINATOR_STATE naming the current and the needed states. */
export function wrongState(current: CoordinatorState, needed: readonly CoordinatorState[], operation: string, extra: Record<string, unknown> = {}): ConfideError {
  return new CoordinatorError(
    'ERR_COORDINATOR_STATE',
    `${operation} is not possible while the coordinator is ${STATE_NAMES[current]} (needs ${needed.map((s) => STATE_NAMES[s]).join(' or ')})`,
    { details: { state: current, stateName: STATE_NAMES[current], operation, ...extra } },
  );
}

/** Throws ERR_COORDINATOR_STATE unless `operation` may run in `current`. */
export function assertAllowed(operation: Operation, current: CoordinatorState): void {
  const { name, allowed } = OPERATIONS[operation];
  if (!(allowed as readonly CoordinatorState[]).includes(current)) throw wrongState(current, allowed, name);
}
