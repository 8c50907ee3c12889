/** The options every simulated-TEE command shares; the refusal itself is the launcher's (refuseInProduction). */
import { Option } from 'commander';

/** `--mode dev|production`, from CONFIDE_MODE, default dev. */
export function modeOption(): Option {
  return new Option('--mode <mode>', 'dev or production; the simulated TEE refuses production').choices(['dev', 'production']).env('CONFIDE_MODE').default('dev');
}

/** `--data-dir <dir>`, from CONFIDE_DATA_DIR, default ./.confide (the same directory `confide serve` uses). */
export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'data directory holding the instance simulation key (sim/simulation-key.pem)').env('CONFIDE_DATA_DIR').default('./.confide');
}
