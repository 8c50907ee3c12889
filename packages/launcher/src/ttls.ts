/**
 * What `confide run` does with MarbleRun's transparent TLS: a manifest that gives the marble TLS
 * tags puts MARBLE_TTLS_CONFIG into its environment, which only a program built with MarbleRun's
 * TTLS support reads. An unmodified program would ignore it and talk plaintext, so the launcher
 * refuses unless told the program applies it itself; a manifest that asks for TLS never runs
 * silently in plaintext.
 */
import { LauncherError } from './errors.js';
import type { Activation } from './answer.js';

/** MarbleRun's variable (internal/constants EnvMarbleTTLSConfig). */
export const TTLS_CONFIG_ENV = 'MARBLE_TTLS_CONFIG';

/** refuse: no TLS tags allowed; program: the program reads MARBLE_TTLS_CONFIG itself. */
export type TtlsMode = 'refuse' | 'program';

export const TTLS_MODES: readonly TtlsMode[] = ['refuse', 'program'];

/** Throws ERR_TTLS_UNSUPPORTED when the activation carries TLS tags and `mode` applies none. */
export function checkTtls(activation: Activation, mode: TtlsMode): void {
  if (!Object.hasOwn(activation.env, TTLS_CONFIG_ENV) || mode === 'program') return;
  throw new LauncherError(
    'ERR_TTLS_UNSUPPORTED',
    `the manifest gives this marble TLS tags (${TTLS_CONFIG_ENV}), which an unmodified program ignores: refusing to run it in plaintext; pass --ttls program if the program applies MarbleRun's TTLS configuration itself`,
    { details: { env: TTLS_CONFIG_ENV } },
  );
}
