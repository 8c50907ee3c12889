/**
 * The program's environment: the launcher's own, then the activation's. The coordinator puts
 * MarbleRun's predefined variables into the activation's environment itself
 * (MARBLE_PREDEFINED_ROOT_CA is the Marble root, MARBLE_PREDEFINED_COORDINATOR_ROOT_CA the
 * coordinator root, and the marble's certificate chain and key; MARBLE_TTLS_CONFIG for TLS tags),
 * after the manifest's entries and over them, as MarbleRun's does.
 */
import type { Activation } from './answer.js';

/** The environment for the program. */
export function childEnv(base: NodeJS.ProcessEnv, activation: Activation): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  return Object.assign(env, activation.env);
}
