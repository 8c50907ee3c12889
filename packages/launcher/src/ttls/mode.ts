/**
 * What `confide run` does with MarbleRun's transparent TLS: a manifest that gives the marble TLS
 * tags puts MARBLE_TTLS_CONFIG into its environment, which only a program built with MarbleRun's
 * TTLS support reads. An unmodified program would ignore it and talk plaintext, so the launcher
 * either puts its TLS proxy around the program (`proxy`), leaves it to a program that applies it
 * itself (`program`), or refuses (`refuse`, the default); a manifest that asks for TLS never runs
 * silently in plaintext.
 */
import { LauncherError } from '../errors.js';
import type { Activation } from '../answer.js';

/** MarbleRun's variable (internal/constants EnvMarbleTTLSConfig). */
export const TTLS_CONFIG_ENV = 'MARBLE_TTLS_CONFIG';

/** refuse: no TLS tags allowed; program: the program reads MARBLE_TTLS_CONFIG itself; proxy: the launcher's TLS proxy applies it (proxy.ts). */
export type TtlsMode = 'refuse' | 'program' | 'proxy';

export const TTLS_MODES: readonly TtlsMode[] = ['refuse', 'program', 'proxy'];

/** The activation's MARBLE_TTLS_CONFIG, or undefined when the marble has no TLS tags. */
export function ttlsConfigOf(activation: Activation): string | undefined {
  return Object.hasOwn(activation.env, TTLS_CONFIG_ENV) ? activation.env[TTLS_CONFIG_ENV] : undefined;
}

/** Throws ERR_TTLS_UNSUPPORTED when the activation carries TLS tags and `mode` applies none. */
export function checkTtls(activation: Activation, mode: TtlsMode): void {
  if (ttlsConfigOf(activation) === undefined || mode !== 'refuse') return;
  throw new LauncherError(
    'ERR_TTLS_UNSUPPORTED',
    `the manifest gives this marble TLS tags (${TTLS_CONFIG_ENV}), which an unmodified program ignores: refusing to run it in plaintext; pass --ttls proxy to put the launcher's TLS proxy around it, or --ttls program if the program applies MarbleRun's TTLS configuration itself`,
    { details: { env: TTLS_CONFIG_ENV } },
  );
}
