/**
 * Builds the SNP_GET_DERIVED_KEY helper at install (node-gyp, which npm provides to install
 * scripts). Only an SEV-SNP coordinator with SealMode ProductKey or UniqueKey needs it, so a
 * machine without a C compiler still installs: the seal mode then says the helper is missing.
 */
import { spawnSync } from 'node:child_process';

if (process.platform !== 'linux') process.exit(0);
const built = spawnSync('node-gyp', ['rebuild'], { stdio: 'inherit', shell: false });
if (built.status !== 0) {
  console.warn('@confide/launcher: the SEV-SNP sealing-key helper (native/sev-guest.c) was not built; SealMode ProductKey and UniqueKey on SEV-SNP will be unavailable');
}
