/**
 * Simulated evidence (development only): signed by the instance's simulation key from the
 * data directory, measurement = SHA-256 of the program file unless given.
 * See docs/simulated-tee.md.
 */
import { isConfideError } from '@confide/core';
import { LauncherError } from '../errors.js';
import { loadSimulationKey, simulateQuote } from '../sim/sim-key.js';
import type { Evidence, EvidenceSource } from './types.js';

export interface SimSourceOptions {
  /** The data directory holding sim/simulation-key.pem (the coordinator's, in dev mode). */
  dataDir: string;
  /** 32 bytes. */
  measurement: Uint8Array;
}

/**
 * Loads the key and returns the simulated source. Never creates a key: one the coordinator
 * does not know would only be refused later. Throws ERR_INPUT_UNREADABLE (no key), ERR_DATA_DIR_UNUSABLE.
 */
export async function simSource(options: SimSourceOptions): Promise<EvidenceSource> {
  let key;
  try {
    key = await loadSimulationKey(options.dataDir, { create: false });
  } catch (err) {
    if (!isConfideError(err, 'ERR_INPUT_UNREADABLE')) throw err;
    throw new LauncherError(
      'ERR_INPUT_UNREADABLE',
      `--tee sim signs with the coordinator's simulation key, and there is none in ${options.dataDir}: pass the coordinator's data directory with --data-dir (or CONFIDE_DATA_DIR)`,
      { cause: err },
    );
  }
  return {
    name: `simulated TEE (key ${key.keyId})`,
    async obtain(reportData: Uint8Array): Promise<Evidence> {
      return { tee: 'sim', bytes: await simulateQuote(key, { measurement: options.measurement, reportData }) };
    },
  };
}
