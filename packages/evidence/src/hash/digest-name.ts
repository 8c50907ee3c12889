/** A SHA digest as WebCrypto names it: the hashes a synchronous digest (VerifyCrypto.digestSync) computes. */
export type SyncDigestName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
