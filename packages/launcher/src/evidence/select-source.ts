/** Picks the evidence source for `--tee`, detecting the TEE interface for `auto`. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LauncherError } from '../errors.js';
import { configfsTsmSource, TSM_REPORT_DIR, type ConfigfsTsmOptions } from './configfs-tsm.js';
import { gramineSource, GRAMINE_ATTESTATION_DIR } from './gramine.js';
import { simSource, type SimSourceOptions } from './sim.js';
import type { EvidenceSource, TeeChoice } from './types.js';

export type { Evidence, EvidenceSource, TeeChoice } from './types.js';

export interface SourceRoots {
  /** Stands in for /dev/attestation. */
  attestationDir?: string;
  /** Stands in for /sys/kernel/config/tsm/report. */
  tsmReportDir?: string;
  /** The kernel's mkdir for configfs-tsm entries (tests). */
  createTsmEntry?: ConfigfsTsmOptions['createEntry'];
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The source for `tee`. `sim` needs `sim` options. `auto` picks Gramine when
 * <attestationDir>/quote exists, configfs-tsm when the report directory exists, and never the
 * simulated TEE. Throws ERR_TEE_UNAVAILABLE (auto found nothing), ERR_USAGE (sim without options).
 */
export async function selectSource(tee: TeeChoice, roots: SourceRoots = {}, sim?: SimSourceOptions): Promise<EvidenceSource> {
  const attestationDir = roots.attestationDir ?? GRAMINE_ATTESTATION_DIR;
  const tsm = (expect?: 'sev-snp' | 'tdx'): EvidenceSource =>
    configfsTsmSource({
      root: roots.tsmReportDir ?? TSM_REPORT_DIR,
      ...(expect ? { expect } : {}),
      ...(roots.createTsmEntry ? { createEntry: roots.createTsmEntry } : {}),
    });
  switch (tee) {
    case 'sim':
      if (!sim) throw new LauncherError('ERR_USAGE', 'the simulated TEE needs a data directory and a measurement');
      return await simSource(sim);
    case 'sgx':
      return gramineSource(attestationDir);
    case 'sev-snp':
    case 'tdx':
      return tsm(tee);
    case 'auto':
      if (await exists(join(attestationDir, 'quote'))) return gramineSource(attestationDir);
      if (await exists(roots.tsmReportDir ?? TSM_REPORT_DIR)) return tsm();
      throw new LauncherError(
        'ERR_TEE_UNAVAILABLE',
        `no TEE found: neither Gramine's ${join(attestationDir, 'quote')} (SGX) nor configfs-tsm's ${roots.tsmReportDir ?? TSM_REPORT_DIR} (SEV-SNP, TDX) exists. ` +
          'For development without TEE hardware pass --tee sim (refused in production mode).',
      );
  }
}
