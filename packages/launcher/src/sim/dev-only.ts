/** The simulated TEE is for development: every sim entry point refuses production mode. */
import { LauncherError } from '../errors.js';

/** Throws ERR_PRODUCTION_REFUSED when `mode` is production. */
export function refuseInProduction(mode: string, what: string): void {
  if (mode === 'production') {
    throw new LauncherError('ERR_PRODUCTION_REFUSED', `${what}: the simulated TEE is for development only and is refused in production mode`);
  }
}
