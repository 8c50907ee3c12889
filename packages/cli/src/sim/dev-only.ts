/** The simulated TEE is for development: every sim entry point refuses production mode. */
import { Option } from 'commander';
import { ConfideError } from '@confide/core';

/** `--mode dev|production`, from CONFIDE_MODE, default dev. */
export function modeOption(): Option {
  return new Option('--mode <mode>', 'dev or production; the simulated TEE refuses production').choices(['dev', 'production']).env('CONFIDE_MODE').default('dev');
}

/** `--data-dir <dir>`, from CONFIDE_DATA_DIR, default ./.confide (the same directory `confide serve` uses). */
export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'data directory holding the instance simulation key (sim/simulation-key.pem)').env('CONFIDE_DATA_DIR').default('./.confide');
}

/** Throws ERR_PRODUCTION_REFUSED when `mode` is production. */
export function refuseInProduction(mode: string, what: string): void {
  if (mode === 'production') {
    throw new ConfideError('ERR_PRODUCTION_REFUSED', `${what}: the simulated TEE is for development only and is refused in production mode`);
  }
}

export const SIM_WARNING = 'WARNING: simulated TEE evidence proves nothing about hardware; it is for development only.';
