/**
 * The manifest's Config.SealMode, and the seal provider each value selects (MarbleRun's
 * coordinator/seal/mode.go). MarbleRun seals its data key with EGo's SGX sealing keys:
 * ProductKey (MRSIGNER-bound, the default for ""), UniqueKey (MRENCLAVE-bound), or not at all
 * (Disabled: the state is held in memory only). Confide runs on more TEEs than SGX, so "" keeps
 * the seal provider the operator configured (the seal-key file, Confide's explicit mode), and
 * ProductKey / UniqueKey ask for a key bound to the TEE itself, or fail naming the mode.
 */
import type { SealMode } from '../manifest/types.js';
import { CoordinatorError } from '../errors.js';
import type { SealProvider } from './provider.js';

/** The SealMode values that ask for a key bound to the TEE. */
export type TeeSealMode = 'ProductKey' | 'UniqueKey';

/** Where ProductKey and UniqueKey keys come from; throws ERR_SEAL_MODE_UNAVAILABLE where the TEE offers none. */
export type TeeSealProviders = (mode: TeeSealMode) => SealProvider;

/** The id of the Disabled mode's provider: its key lives in one process's memory and dies with it. */
export const MEMORY_ONLY_PROVIDER = 'memory-only';

/** The manifest's SealMode of a state ("" before any manifest). */
export function sealModeOf(manifest: { Config: { SealMode: SealMode } } | undefined): SealMode {
  return manifest?.Config.SealMode ?? '';
}

/** The mode's refusal, naming it and why. */
export function sealModeUnavailable(mode: SealMode, why: string): CoordinatorError {
  return new CoordinatorError('ERR_SEAL_MODE_UNAVAILABLE', `SealMode ${mode === '' ? '""' : mode} cannot be honoured here: ${why}`, { details: { sealMode: mode } });
}
