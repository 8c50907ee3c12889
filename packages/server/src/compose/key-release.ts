/** The key release service as the configuration describes it: this server's issuer plus keyvault.release.trustedIssuers. */
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { Clock } from '@confide/core';
import type { Config } from '../config/schema.js';
import { ServerError } from '../errors/index.js';
import type { TokenService } from '../services/attestation/tokens/index.js';
import { jwksIssuer, KeyReleaseService, keyIssuer, ownIssuer, type TrustedIssuer } from '../services/key-release/index.js';
import type { KeyVaultService } from '../services/keyvault/index.js';
import { readSettingFile } from './setting-file.js';
import { auditedReleaseSigner, type LateAuditSink } from '../ledger-durable/audit-sink.js';

const SETTING = 'keyvault.release.trustedIssuers';

function keyOfFile(path: string): KeyObject {
  const pem = readSettingFile(SETTING, path).toString('utf8');
  try {
    return pem.includes('-----BEGIN CERTIFICATE-----') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  } catch {
    throw new ServerError('ERR_CONFIG_INVALID', `${SETTING}: ${path} is not a PEM certificate or public key`);
  }
}

/** One `<issuer>=<JWKS URL | file>` entry. Throws ERR_CONFIG_INVALID, ERR_INPUT_UNREADABLE. */
export function trustedIssuerOf(entry: string): TrustedIssuer {
  const at = entry.indexOf('=');
  const issuer = entry.slice(0, at).trim();
  const source = entry.slice(at + 1).trim();
  if (at < 0 || issuer === '' || source === '') throw new ServerError('ERR_CONFIG_INVALID', `${SETTING}: "${entry}" is not <issuer>=<JWKS URL or certificate file>`);
  if (/^[a-z]+:\/\//i.test(source)) {
    const url = new URL(source);
    // Keys fetched in clear could be swapped on the way: a JWKS URL must be HTTPS.
    if (url.protocol !== 'https:') throw new ServerError('ERR_CONFIG_INVALID', `${SETTING}: the JWKS URL of ${issuer} must be https`);
    return jwksIssuer(issuer, url);
  }
  return keyIssuer(issuer, keyOfFile(source));
}

export function composeKeyRelease(config: Config, vault: KeyVaultService, tokens: TokenService, clock?: Clock, audit?: LateAuditSink): KeyReleaseService {
  const issuers = [ownIssuer(() => tokens.issuer(), () => tokens.jwks()), ...(config.keyvault.release.trustedIssuers ?? []).map(trustedIssuerOf)];
  const sign = (payload: object) => tokens.signWithCertificate(payload);
  return new KeyReleaseService({ vault, issuers, sign: audit ? auditedReleaseSigner(sign, audit) : sign, clock });
}
