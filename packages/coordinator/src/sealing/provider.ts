/**
 * Where the key that wraps the coordinator's data key comes from. Dev: a file next to the data.
 * Later: a key derived inside the TEE (SGX seal key, SNP/TDX derived key) or released by a key
 * vault after attestation. Every provider wraps the same 32-byte data key; losing the provider's
 * key is what sends the coordinator into recovery.
 */
export interface SealProvider {
  /** Stable name of the provider kind ("file", "memory", ...), kept with the wrapped key. */
  readonly id: string;
  /** Wraps the data key, creating the provider's key if it has none yet. */
  wrapKey(dataKey: Uint8Array): Promise<Uint8Array>;
  /**
   * Unwraps a blob from `wrapKey`. Throws ERR_SEAL_KEY_UNAVAILABLE (the provider's key is gone:
   * enter recovery), ERR_SEAL_UNSEAL_FAILED (another key, or altered bytes).
   */
  unwrapKey(blob: Uint8Array): Promise<Uint8Array>;
}
