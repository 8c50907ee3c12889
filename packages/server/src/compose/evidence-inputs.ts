/** What evidence verification gets from the configuration: collateral and (dev mode) replacement roots. */
import { combineCollateral, emptyCollateral, onlineCollateral, type CollateralProvider, type TrustAnchors } from '@confide/evidence';
import type { Config } from '../config/schema.js';
import { loadCollateral, readTrustAnchors } from '../evidence-files/index.js';

/** Offline files first, then (when enabled) Intel PCS / AMD KDS. Throws ERR_INPUT_UNREADABLE naming a bad file. */
export async function collateralFromConfig(config: Config): Promise<CollateralProvider> {
  const providers: CollateralProvider[] = [];
  if (config.collateral && config.collateral.length > 0) providers.push(await loadCollateral(config.collateral));
  if (config.collateralOnline) providers.push(onlineCollateral());
  return providers.length === 0 ? emptyCollateral : combineCollateral(...providers);
}

/** `evidence.roots` (production refuses it in the schema). Throws ERR_INPUT_UNREADABLE naming evidence.roots. */
export async function trustAnchorsFromConfig(config: Config): Promise<TrustAnchors | undefined> {
  return config.evidence.roots === undefined ? undefined : readTrustAnchors(config.evidence.roots, 'evidence.roots (--evidence-roots)');
}
