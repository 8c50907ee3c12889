/**
 * The program's environment: the launcher's own, then the manifest's variables. The marble
 * certificate, key and coordinator root are also set under MarbleRun's predefined names
 * (MARBLE_PREDEFINED_*), unless the manifest sets those names itself.
 */
import type { Activation } from './answer.js';

const PREDEFINED_ENV = {
  certificateChain: 'MARBLE_PREDEFINED_MARBLE_CERTIFICATE_CHAIN',
  rootCa: 'MARBLE_PREDEFINED_COORDINATOR_ROOT_CA',
  /** The name MarbleRun used before MARBLE_PREDEFINED_COORDINATOR_ROOT_CA; older marble libraries read it. */
  rootCaLegacy: 'MARBLE_PREDEFINED_ROOT_CA',
  privateKey: 'MARBLE_PREDEFINED_PRIVATE_KEY',
} as const;

/** The environment for the program. */
export function childEnv(base: NodeJS.ProcessEnv, activation: Activation): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env[PREDEFINED_ENV.certificateChain] = activation.certificate;
  env[PREDEFINED_ENV.rootCa] = activation.rootCertificate;
  env[PREDEFINED_ENV.rootCaLegacy] = activation.rootCertificate;
  env[PREDEFINED_ENV.privateKey] = activation.privateKey;
  return Object.assign(env, activation.env);
}
