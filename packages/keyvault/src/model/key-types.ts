/** The vocabulary of Key Vault keys, as the service names it on the wire. */

/** Key types; `-HSM` marks a key created or imported as HSM-protected. */
export const KEY_TYPES = ['RSA', 'RSA-HSM', 'EC', 'EC-HSM', 'oct', 'oct-HSM'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** The key material families behind the key types. */
export type KeyFamily = 'RSA' | 'EC' | 'oct';

export const KEY_OPERATIONS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey', 'import', 'export'] as const;
export type KeyOperation = (typeof KEY_OPERATIONS)[number];

export const CURVES = ['P-256', 'P-384', 'P-521'] as const;
export type Curve = (typeof CURVES)[number];

export const RSA_SIZES = [2048, 3072, 4096] as const;
export const OCT_SIZES = [128, 192, 256] as const;

/** Key names as the service accepts them. */
export const KEY_NAME_PATTERN = /^[0-9A-Za-z-]{1,127}$/;
/** Versions this vault issues: 32 lowercase hex digits, like the service's. */
export const KEY_VERSION_PATTERN = /^[0-9a-f]{32}$/;

/** The recovery level of a vault with soft delete and purge allowed (the only one this vault has). */
export const RECOVERY_LEVEL = 'Recoverable+Purgeable';
/** Days a deleted key stays recoverable before it is purged. */
export const RECOVERABLE_DAYS = 90;

/** The family of a key type: `RSA-HSM` is RSA material. */
export function keyFamily(kty: KeyType): KeyFamily {
  return kty.startsWith('RSA') ? 'RSA' : kty.startsWith('EC') ? 'EC' : 'oct';
}

/** True for the `-HSM` key types. */
export function isHsmType(kty: KeyType): boolean {
  return kty.endsWith('-HSM');
}

/** The wire key type of a family, HSM-protected or not. */
export function keyTypeOf(family: KeyFamily, hsm: boolean): KeyType {
  return (hsm ? `${family}-HSM` : family) as KeyType;
}
