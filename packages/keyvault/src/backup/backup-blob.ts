/**
 * Key backups: every version of a key (public description and private JWK) as one blob,
 * AES-256-GCM under the vault root key, so it restores only into a vault holding the same root
 * key and cannot be read or altered outside one. Opaque to the client, as the service's are.
 */
import { KeyVaultError } from '../errors.js';
import { decryptUnderRoot, encryptUnderRoot } from '../at-rest/key-material.js';
import type { PrivateJwk } from '../model/key-version.js';

const PURPOSE = 'backup';
const MAGIC = 'confide-keyvault-backup';

/** One version in a backup: the store's meta JSON and the private JWK. */
export interface BackupVersion {
  version: string;
  meta: string;
  jwk: PrivateJwk;
}

export interface KeyBackup {
  name: string;
  versions: BackupVersion[];
  rotationPolicy?: string | undefined;
}

export function sealBackup(rootKey: Uint8Array, backup: KeyBackup): Uint8Array {
  const body = Buffer.from(JSON.stringify({ magic: MAGIC, ...backup }), 'utf8');
  // The blob's identity is fixed: the name is inside, and a restore may not rename it.
  return encryptUnderRoot(rootKey, PURPOSE, MAGIC, '1', body);
}

/** The backup in a blob. Throws ERR_KEY_BACKUP_INVALID when it is not one of this vault's. */
export function openBackup(rootKey: Uint8Array, blob: Uint8Array): KeyBackup {
  const plain = decryptUnderRoot(rootKey, PURPOSE, MAGIC, '1', blob);
  if (!plain) throw new KeyVaultError('ERR_KEY_BACKUP_INVALID', 'the backup blob is malformed, altered, or from a vault with another root key');
  const parsed = JSON.parse(Buffer.from(plain).toString('utf8')) as KeyBackup & { magic: string };
  return { name: parsed.name, versions: parsed.versions, rotationPolicy: parsed.rotationPolicy };
}
