/** What a production coordinator refuses that a development one allows. */
import { CoordinatorError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';

/**
 * Throws ERR_PRODUCTION_REFUSED (details.packages) when `manifest` has packages with Tee "sim":
 * simulated evidence proves nothing, so such a package would let any process activate in
 * production (issue 16). Development mode allows them.
 */
export function refuseSimulatedPackages(manifest: Manifest): void {
  const packages = Object.keys(manifest.Packages)
    .filter((name) => manifest.Packages[name]!.Tee === 'sim')
    .sort();
  if (packages.length === 0) return;
  throw new CoordinatorError('ERR_PRODUCTION_REFUSED', `production mode refuses simulated packages (Tee "sim"): ${packages.join(', ')}`, { details: { packages } });
}
