/** Policy management (/policies, /certificates) as the configuration describes it: mode, bearer auth, initial certificates. */
import { createBearerAuth } from '../plugins/bearer-auth.js';
import type { PolicyAdminSettings } from './attestation.js';
import type { Config } from '../config/schema.js';
import { readSettingFile } from './setting-file.js';

/** Reads attestation.auth.publicKey and the attestation.signingCertificates files. Throws ERR_CONFIG_INVALID, ERR_PRODUCTION_REFUSED. */
export function policyAdminSettings(config: Config): PolicyAdminSettings {
  const auth = config.attestation.auth;
  const initialCertificates = (config.attestation.signingCertificates ?? []).map((path) => readSettingFile('attestation.signingCertificates', path).toString('utf8'));
  const bearer = createBearerAuth({
    mode: config.mode,
    jwksUrl: auth.jwksUrl,
    publicKeyPem: auth.publicKey === undefined ? undefined : readSettingFile('attestation.auth.publicKey', auth.publicKey).toString('utf8'),
    issuer: auth.issuer,
    audience: auth.audience,
    staticToken: auth.staticToken,
  });
  return { mode: config.attestation.mode, auth: bearer, initialCertificates };
}
