/**
 * The keys of the TEE the production coordinator runs in, for the manifest's SealMode ProductKey
 * and UniqueKey (MarbleRun's seal.ModeProductKey / ModeUniqueKey). Gramine gives its SGX sealing
 * keys as files: /dev/attestation/keys/_sgx_mrsigner (bound to MRSIGNER, ISVPRODID and ISVSVN:
 * MarbleRun's product key) and _sgx_mrenclave (bound to MRENCLAVE: its unique key). SEV-SNP
 * derives keys only through the SNP_GET_DERIVED_KEY ioctl on /dev/sev-guest, which Node.js cannot
 * issue, and TDX has no sealing key: there these modes are refused, naming the mode. Dev mode has
 * none (the seal-key file stands in, as MarbleRun's sealer outside an enclave keeps the key as it is).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTeeSealProvider, sealModeUnavailable, type TeeSealMode, type TeeSealProviders } from '@confide/coordinator';
import type { Config } from '../config/schema.js';
import { ServerError } from '../errors/index.js';

/** Gramine's SGX sealing keys are 128-bit (EGETKEY). */
const SGX_SEAL_KEY_BYTES = 16;

const GRAMINE_KEY: Record<TeeSealMode, string> = { ProductKey: '_sgx_mrsigner', UniqueKey: '_sgx_mrenclave' };

/** Reads Gramine's sealing key for `mode`. Throws ERR_SEAL_KEY_UNAVAILABLE. */
export async function readGramineSealKey(attestationDir: string, mode: TeeSealMode): Promise<Uint8Array> {
  const path = join(attestationDir, 'keys', GRAMINE_KEY[mode]);
  let key: Buffer;
  try {
    key = await readFile(path);
  } catch (err) {
    throw new ServerError('ERR_SEAL_KEY_UNAVAILABLE', `SealMode ${mode}: Gramine's sealing key ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'read failed'})`, { cause: err });
  }
  if (key.length !== SGX_SEAL_KEY_BYTES) throw new ServerError('ERR_SEAL_KEY_UNAVAILABLE', `SealMode ${mode}: ${path} has ${key.length} bytes, not the ${SGX_SEAL_KEY_BYTES} of an SGX sealing key`);
  return new Uint8Array(key);
}

function whyNone(config: Config): string {
  switch (config.coordinator.tee) {
    case 'sev-snp':
      return "SEV-SNP derives a sealing key only through the SNP_GET_DERIVED_KEY ioctl on /dev/sev-guest, which Node.js cannot issue";
    case 'tdx':
      return 'TDX offers no sealing key';
    default:
      return `no TEE with sealing keys was found (Gramine's ${join(config.coordinator.attestationDir, 'keys')})`;
  }
}

/** The TEE's seal providers in production; undefined in dev mode. */
export function coordinatorTeeSeal(config: Config): TeeSealProviders | undefined {
  if (config.mode !== 'production') return undefined;
  const dir = config.coordinator.attestationDir;
  if (config.coordinator.tee === 'sgx' || (config.coordinator.tee === 'auto' && existsSync(join(dir, 'quote')))) {
    return (mode) => createTeeSealProvider(mode, () => readGramineSealKey(dir, mode));
  }
  const why = whyNone(config);
  return (mode) => {
    throw sealModeUnavailable(mode, `${why}. Use SealMode "" (the coordinator's key from seal.keyFile) or Disabled`);
  };
}
