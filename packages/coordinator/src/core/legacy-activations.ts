/**
 * States sealed before activations moved to the ledger carry them inline, in
 * deployment.activations: they move to the ledger once, when such a state is opened.
 */
import type { Repositories } from '@confide/store';
import type { ActivationLedger, ActivationRecord } from './activation-ledger.js';
import type { DeploymentState, StateData } from './state.js';

/**
 * The state without inline activations, after writing them to the ledger through `repos`, or
 * undefined when it has none (nothing to do). The caller seals and saves the returned state in
 * the same transaction. Throws ERR_STORE_CONFLICT (a UUID already in the ledger).
 */
export async function moveInlineActivations(repos: Repositories, ledger: ActivationLedger, state: StateData): Promise<StateData | undefined> {
  const old = state.deployment as (DeploymentState & { activations?: Record<string, ActivationRecord> }) | undefined;
  if (!old?.activations) return undefined;
  const { activations, ...deployment } = old;
  for (const [uuid, record] of Object.entries(activations)) await ledger.write(repos, await ledger.seal(uuid.toLowerCase(), record), true);
  return { ...state, deployment };
}
