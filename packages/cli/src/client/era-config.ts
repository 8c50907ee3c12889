/**
 * MarbleRun's era-style expected values file (`marblerun ... --era-config`, the coordinator-era.json
 * it publishes): the JSON of api.VerifyOptions (api/api.go), read as Go's encoding/json reads it,
 * field names case-insensitive and unknown fields ignored: UniqueID, SignerID, ProductID,
 * SecurityVersion, Debug. Its AcceptedTCBStatuses is checked for type only: MarbleRun's
 * --accepted-tcb-statuses flag always replaces it (cli/internal/cmd/cmd.go parseRestFlags).
 */
import { CliError } from '../errors.js';
import { readJsonInput } from './files.js';

export interface EraExpectations {
  measurements: string[];
  signers: string[];
  productId?: number;
  minSecurityVersion?: number;
  allowDebug?: boolean;
}

function bad(file: string, why: string): CliError {
  return new CliError('ERR_INPUT_UNREADABLE', `--era-config ${file}: ${why}`);
}

/** Reads an era config file. Throws ERR_INPUT_UNREADABLE (unreadable, not an object, a field of the wrong type). */
export async function readEraConfig(file: string): Promise<EraExpectations> {
  const json = await readJsonInput(file, '--era-config');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad(file, 'not a JSON object');
  const field = (name: string): unknown => Object.entries(json).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const text = (name: string): string[] => {
    const v = field(name);
    if (v === undefined || v === null || v === '') return [];
    if (typeof v !== 'string' || !/^[0-9a-fA-F]{64}([0-9a-fA-F]{32})?$/.test(v)) throw bad(file, `${name} is not 32 or 48 bytes of hex`);
    return [v.toLowerCase()];
  };
  const count = (name: string, max: number): number | undefined => {
    const v = field(name);
    if (v === undefined || v === null || v === 0) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw bad(file, `${name} is not an integer 0..${max}`);
    return v;
  };
  const debug = field('Debug');
  if (debug !== undefined && debug !== null && typeof debug !== 'boolean') throw bad(file, 'Debug is not a boolean');
  const statuses = field('AcceptedTCBStatuses');
  if (statuses !== undefined && statuses !== null && (!Array.isArray(statuses) || statuses.some((s) => typeof s !== 'string'))) throw bad(file, 'AcceptedTCBStatuses is not a list of strings');
  const productId = count('ProductID', 0xffff);
  const minSecurityVersion = count('SecurityVersion', 0xffffffff);
  return {
    measurements: text('UniqueID'),
    signers: text('SignerID'),
    ...(productId !== undefined ? { productId } : {}),
    ...(minSecurityVersion !== undefined ? { minSecurityVersion } : {}),
    ...(debug === true ? { allowDebug: true } : {}),
  };
}
