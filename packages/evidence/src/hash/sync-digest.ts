/**
 * Synchronous SHA digests in plain JavaScript (@noble/hashes), for chains of small hashes whose
 * every step waits for the one before, such as a PCR replay: WebCrypto answers each digest on
 * another thread a turn of the event loop later, which costs a short input far more than the
 * hashing does. Runs in any runtime, as this package must.
 */
import { sha1 } from '@noble/hashes/legacy';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2';

export type SyncDigestName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const DIGESTS: Record<SyncDigestName, (data: Uint8Array) => Uint8Array> = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 };

/** The digest function named as WebCrypto names it. */
export function syncDigest(name: SyncDigestName): (data: Uint8Array) => Uint8Array {
  return DIGESTS[name];
}
