/**
 * The production coordinator's own evidence (MarbleRun's quote.Issuer, core.go GenerateQuote /
 * GetQuote): the TEE the server runs in, through the launcher's sources (Gramine
 * /dev/attestation for SGX, configfs-tsm for SEV-SNP and TDX), chosen by coordinator.tee. The
 * source is tried once at start; production without evidence refuses to start unless the
 * operator opted out (coordinator.unattested), loudly.
 */
import { selectSource, type SourceRoots } from '@confide/launcher/evidence-sources';
import { ServerError } from '../errors/index.js';
import type { Config } from '../config/schema.js';

/** The evidence over 64 bytes of report data, as the coordinator service takes it. */
export type CoordinatorQuoter = (reportData: Uint8Array) => Promise<Uint8Array>;

const UNATTESTED_WARNING =
  'coordinator.unattested: this production coordinator has no TEE evidence; GET /api/v2/quote answers an empty quote and nobody can attest it. Remove the setting once the TEE is available.';

/**
 * The quoter for production, or undefined with a warning when the operator opted out and no
 * source works. Throws ERR_TEE_UNAVAILABLE naming the source and the opt-out.
 */
export async function coordinatorEvidence(config: Config, warn: (w: string) => void, createTsmEntry?: SourceRoots['createTsmEntry']): Promise<CoordinatorQuoter | undefined> {
  const roots: SourceRoots = {
    attestationDir: config.coordinator.attestationDir,
    tsmReportDir: config.coordinator.tsmReportDir,
    ...(createTsmEntry ? { createTsmEntry } : {}),
  };
  let quoter: CoordinatorQuoter;
  try {
    const source = await selectSource(config.coordinator.tee, roots);
    quoter = async (reportData) => (await source.obtain(reportData)).bytes;
    // Tried once, as MarbleRun generates its quote at start: a source that exists but gives nothing fails here, not at the first client.
    await quoter(new Uint8Array(64));
  } catch (err) {
    if (config.coordinator.unattested) {
      warn(UNATTESTED_WARNING);
      return undefined;
    }
    throw new ServerError('ERR_TEE_UNAVAILABLE', `production: the coordinator cannot get evidence from its TEE (coordinator.tee ${config.coordinator.tee}): ${(err as Error).message}. Set coordinator.unattested only to run unattested on purpose.`, { cause: err });
  }
  if (config.coordinator.unattested) warn('coordinator.unattested is set but the TEE gives evidence: the quote is the TEE\'s; remove the setting');
  return quoter;
}
