/**
 * Where the coordinator's client API is: --coordinator, else CONFIDE_COORDINATOR, else the
 * launcher's EDG_MARBLE_COORDINATOR_ADDR, else localhost:8443 (one listener serves both).
 */
import { parseCoordinatorAddress, type CoordinatorAddress } from '@confide/launcher/coordinator-address';

const DEFAULT_COORDINATOR = 'localhost:8443';

/** The address from the flag or the environment. Throws ERR_USAGE for a malformed address. */
export function resolveCoordinatorAddress(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): CoordinatorAddress {
  const text = flag ?? env['CONFIDE_COORDINATOR'] ?? env['EDG_MARBLE_COORDINATOR_ADDR'] ?? DEFAULT_COORDINATOR;
  return parseCoordinatorAddress(text);
}
