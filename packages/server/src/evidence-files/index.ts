/**
 * Evidence inputs read from files: offline collateral and replacement vendor roots. The server's
 * composition root and the CLI's offline commands share these readers; this entry point loads
 * no HTTP code, so `confide verify` stays small (`@confide/server/evidence-files`).
 */
export { loadCollateral, loadCollateralItems } from './collateral-files.js';
export { readTrustAnchors } from './trust-anchor-files.js';
