/**
 * The `enc` values of a key release and the RSA-OAEP hash each implies. All three wrap an
 * ephemeral AES-256 key with RSA-OAEP (MGF1 with the same hash, no label), then the key material
 * with that AES key under RFC 5649. PKCS#11 defines CKM_RSA_AES_KEY_WRAP with OAEP parameters
 * chosen by the caller; the service does not publish its choice, so this vault uses SHA-1 for
 * it (PKCS#11's default OAEP hash) and SHA-256 / SHA-384 for the two named after them
 * (MarbleRun's client unwraps RSA_AES_KEY_WRAP_384 with SHA-384). docs/keyvault-release.md.
 */
export const RELEASE_ENCS = ['CKM_RSA_AES_KEY_WRAP', 'RSA_AES_KEY_WRAP_256', 'RSA_AES_KEY_WRAP_384'] as const;
export type ReleaseEnc = (typeof RELEASE_ENCS)[number];

/** The service's default when the request names no `enc`. */
export const DEFAULT_RELEASE_ENC: ReleaseEnc = 'CKM_RSA_AES_KEY_WRAP';

/** The node:crypto digest name of each enc's OAEP hash. */
export const OAEP_HASH: Readonly<Record<ReleaseEnc, 'sha1' | 'sha256' | 'sha384'>> = {
  CKM_RSA_AES_KEY_WRAP: 'sha1',
  RSA_AES_KEY_WRAP_256: 'sha256',
  RSA_AES_KEY_WRAP_384: 'sha384',
};

/** Bytes of the ephemeral AES key (AES-256). */
export const EPHEMERAL_AES_BYTES = 32;

/** True for an enc this vault wraps with. */
export function isReleaseEnc(value: unknown): value is ReleaseEnc {
  return typeof value === 'string' && (RELEASE_ENCS as readonly string[]).includes(value);
}
