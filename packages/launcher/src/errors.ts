/** The codes of `confide run`: no TEE, a failed activation, a program that cannot start. */
import { CORE_ERROR_CODES, defineErrorCodes, errorClass } from '@confide/core';
import { EVIDENCE_ERROR_CODES } from '@confide/evidence/errors';

export const LAUNCHER_ERROR_CODES = defineErrorCodes('launcher', {
  ERR_TEE_UNAVAILABLE: { expose: true, summary: 'No TEE evidence source is available to the launcher, or it failed (Gramine /dev/attestation, configfs-tsm).' },
  ERR_ACTIVATION_FAILED: { expose: true, summary: 'The launcher could not activate: the coordinator is unreachable, failed, or answered outside the protocol.' },
  ERR_LAUNCH_FAILED: { expose: true, summary: 'The launcher could not write the marble\'s files or start its program.' },
  ERR_TTLS_UNSUPPORTED: { expose: true, summary: 'The manifest gives the marble TLS tags (MARBLE_TTLS_CONFIG) and nothing would apply them: the launcher refuses to run the program in plaintext (see --ttls).' },
  ERR_TTLS_PROXY_FAILED: { expose: true, summary: 'confide run --ttls proxy could not set up the TLS proxy the manifest\'s TLS tags need (a port in use, unusable certificates, a configuration it cannot apply): the program is not started.' },
});

/** Raises the codes the launcher knows: its own, evidence's and core's. */
export const LauncherError = errorClass(CORE_ERROR_CODES, EVIDENCE_ERROR_CODES, LAUNCHER_ERROR_CODES);
export type LauncherError = InstanceType<typeof LauncherError>;
export type LauncherErrorCode = LauncherError['code'];
