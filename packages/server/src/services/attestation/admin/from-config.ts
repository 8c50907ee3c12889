/** The policy-management settings of `confide serve`, read from the configuration once at start. */
import { readFileSync } from 'node:fs';
import { ConfideError } from '@confide/core';
import type { Config } from '../../../config/schema.js';
import { bearerAuthFromConfig, type BearerAuth } from '../../../plugins/bearer-auth.js';
import type { PolicyManagementMode } from './policy-admin.js';

/** What buildApp needs to serve /policies and /certificates. */
export interface MaaAdminAppOptions {
  mode: PolicyManagementMode;
  auth: BearerAuth;
  /** PEM texts of the initial policy-management certificates (isolated mode). */
  initialCertificates?: readonly string[] | undefined;
}

/** Reads attestation.mode, attestation.auth.* and the attestation.signingCertificates files. Throws ERR_CONFIG_INVALID, ERR_PRODUCTION_REFUSED. */
export function maaAdminFromConfig(config: Config): MaaAdminAppOptions {
  const initialCertificates = (config.attestation.signingCertificates ?? []).map((path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfideError('ERR_CONFIG_INVALID', `attestation.signingCertificates: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  });
  return { mode: config.attestation.mode, auth: bearerAuthFromConfig(config), initialCertificates };
}
