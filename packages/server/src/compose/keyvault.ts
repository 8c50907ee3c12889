/** The key vault surface as the configuration describes it: the service over the store and the vault root, and its authentication. */
import { createPublicKey, X509Certificate } from 'node:crypto';
import type { Clock } from '@confide/core';
import type { VaultRoot } from '@confide/keyvault';
import type { Store } from '@confide/store';
import type { Config } from '../config/schema.js';
import { ServerError } from '../errors/index.js';
import { cpuBudget } from './cpu-budget.js';
import { createKeyVaultAuth, parseStaticTokens } from '../plugins/keyvault-auth.js';
import type { KeyVaultRoutesOptions } from '../routes/keyvault/index.js';
import { KeyVaultService } from '../services/keyvault/index.js';
import { readSettingFile } from './setting-file.js';

/** Reads attestation.auth.publicKey when set. Throws ERR_CONFIG_INVALID. */
export function jwtPublicKey(config: Config) {
  const path = config.attestation.auth.publicKey;
  if (path === undefined) return undefined;
  const pem = readSettingFile('attestation.auth.publicKey', path).toString('utf8');
  try {
    return pem.includes('-----BEGIN CERTIFICATE-----') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  } catch {
    throw new ServerError('ERR_CONFIG_INVALID', 'attestation.auth.publicKey: not a PEM public key or certificate');
  }
}

/** keyvault.rsaThreads when unset: two threads where there is a second core to run them (a cgroup CPU quota counts), none on one core. */
function defaultRsaThreads(): number {
  return cpuBudget() > 1 ? 2 : 0;
}

export function composeKeyVault(config: Config, store: Store, root: VaultRoot, clock?: Clock): KeyVaultRoutesOptions {
  const auth = createKeyVaultAuth({
    mode: config.mode,
    authorization: config.keyvault.authorization,
    resource: config.keyvault.resource,
    jwt: {
      jwksUrl: config.attestation.auth.jwksUrl,
      publicKey: jwtPublicKey(config),
      issuer: config.attestation.auth.issuer,
      audience: config.keyvault.auth.audience ?? config.keyvault.resource,
      clock,
    },
    staticTokens: parseStaticTokens(config.keyvault.auth.tokens),
  });
  // SQLite is one process's store: the key vault is then the only writer of its rows (docs/store.md).
  const soleWriter = store.engine === 'sqlite';
  return { service: new KeyVaultService({ store, root, clock, rsaThreads: config.keyvault.rsaThreads ?? defaultRsaThreads(), soleWriter }), auth };
}
