/** Whether a key version allows an operation now: in its key_ops, enabled, within nbf and exp. */
import { KeyVaultError } from '../errors.js';
import type { KeyOperation } from '../model/key-types.js';
import type { KeyAttributes } from '../model/key-version.js';

/** Throws ERR_KEY_OPERATION_FORBIDDEN unless `op` is allowed at `nowSeconds`. */
export function assertKeyUsable(version: { name: string; keyOps: readonly KeyOperation[]; attributes: KeyAttributes }, op: KeyOperation, nowSeconds: number): void {
  const { attributes: a } = version;
  if (!version.keyOps.includes(op)) throw new KeyVaultError('ERR_KEY_OPERATION_FORBIDDEN', `operation ${op} is not allowed on key ${version.name} (key_ops: ${version.keyOps.join(', ') || 'none'})`);
  if (!a.enabled) throw new KeyVaultError('ERR_KEY_OPERATION_FORBIDDEN', `operation ${op} is not allowed on a disabled key`);
  if (a.nbf !== undefined && nowSeconds < a.nbf) throw new KeyVaultError('ERR_KEY_OPERATION_FORBIDDEN', `operation ${op} is not allowed before the key's nbf`);
  if (a.exp !== undefined && nowSeconds >= a.exp) throw new KeyVaultError('ERR_KEY_OPERATION_FORBIDDEN', `operation ${op} is not allowed on an expired key`);
}
