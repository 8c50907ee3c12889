/**
 * The keys of the TEE the production coordinator runs in, for the manifest's SealMode ProductKey
 * and UniqueKey (MarbleRun's seal.ModeProductKey / ModeUniqueKey). Gramine gives its SGX sealing
 * keys as files: /dev/attestation/keys/_sgx_mrsigner (bound to MRSIGNER, ISVPRODID and ISVSVN:
 * MarbleRun's product key) and _sgx_mrenclave (bound to MRENCLAVE: its unique key). SEV-SNP
 * derives keys from the chip's VCEK through /dev/sev-guest: ProductKey mixes in the guest policy,
 * image ID and family ID (the guest's "product", as MRSIGNER and ISVPRODID are the enclave's),
 * UniqueKey also the launch measurement. TDX has no sealing key: there these modes are refused,
 * naming the mode. Dev mode has none (the seal-key file stands in, as MarbleRun's sealer outside
 * an enclave keeps the key as it is).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTeeSealProvider, sealModeUnavailable, type TeeSealMode, type TeeSealProviders } from '@confide/coordinator';
import { GUEST_FIELD, nativeDerivedKeyIoctl, snpDerivedKey, snpKeyUnavailable, type DerivedKeyIoctl } from '@confide/launcher/tee-keys';
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

const SNP_PRODUCT_FIELDS = GUEST_FIELD.policy | GUEST_FIELD.imageId | GUEST_FIELD.familyId;

/** GUEST_FIELD_SELECT per mode: the measurement only for the unique key, as MRENCLAVE only for Gramine's. */
export const SNP_SEAL_FIELDS: Record<TeeSealMode, bigint> = {
  ProductKey: SNP_PRODUCT_FIELDS,
  UniqueKey: SNP_PRODUCT_FIELDS | GUEST_FIELD.measurement,
};

/** The firmware's key for `mode` (VCEK root, VMPL 0). Throws ERR_SEAL_KEY_UNAVAILABLE. */
export function readSnpSealKey(device: string, mode: TeeSealMode, ioctl: DerivedKeyIoctl | undefined): Uint8Array {
  try {
    return snpDerivedKey({ rootKey: 'vcek', fields: SNP_SEAL_FIELDS[mode], vmpl: 0 }, device, ioctl);
  } catch (err) {
    throw new ServerError('ERR_SEAL_KEY_UNAVAILABLE', `SealMode ${mode}: ${(err as Error).message}`, { cause: err });
  }
}

const USE_INSTEAD = 'Use SealMode "" (the coordinator\'s key from seal.keyFile) or Disabled';

function whyNone(config: Config): string {
  return config.coordinator.tee === 'tdx' ? 'TDX offers no sealing key' : `no TEE with sealing keys was found (Gramine's ${join(config.coordinator.attestationDir, 'keys')}, ${config.coordinator.sevGuestDevice})`;
}

/** The TEE's seal providers in production; undefined in dev mode. `snpIoctl` stands in for the native helper in tests. */
export function coordinatorTeeSeal(config: Config, snpIoctl: DerivedKeyIoctl | undefined = nativeDerivedKeyIoctl()): TeeSealProviders | undefined {
  if (config.mode !== 'production') return undefined;
  const { tee, attestationDir: dir, sevGuestDevice: device } = config.coordinator;
  if (tee === 'sgx' || (tee === 'auto' && existsSync(join(dir, 'quote')))) {
    return (mode) => createTeeSealProvider(mode, () => readGramineSealKey(dir, mode));
  }
  if (tee === 'sev-snp' || (tee === 'auto' && existsSync(device))) {
    return (mode) => {
      // Asked when a manifest chooses the mode, so that a guest that cannot derive keys refuses it there.
      const why = snpKeyUnavailable(device, snpIoctl);
      if (why !== undefined) throw sealModeUnavailable(mode, `SEV-SNP derives sealing keys through SNP_GET_DERIVED_KEY, but ${why}. ${USE_INSTEAD}`);
      return createTeeSealProvider(mode, async () => readSnpSealKey(device, mode, snpIoctl));
    };
  }
  const why = whyNone(config);
  return (mode) => {
    throw sealModeUnavailable(mode, `${why}. ${USE_INSTEAD}`);
  };
}
