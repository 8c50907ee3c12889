/**
 * Synchronous SHA digests, for chains of small hashes whose every step waits for the one before,
 * such as a PCR replay: WebCrypto answers each digest on another thread a turn of the event loop
 * later, which costs a short input far more than the hashing does. A runtime that has native
 * synchronous hashes brings them (VerifyContext.crypto.digestSync: node:crypto on the server);
 * elsewhere @noble/hashes computes them in plain JavaScript, which runs in any runtime, as this
 * package must.
 */
import { sha1 } from '@noble/hashes/legacy';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2';
import type { SyncDigestName } from './digest-name.js';

export type { SyncDigestName };

/** A synchronous digest of `data` with the hash WebCrypto calls `name`. */
export type SyncDigest = (name: SyncDigestName, data: Uint8Array) => Uint8Array;

const NOBLE: Record<SyncDigestName, (data: Uint8Array) => Uint8Array> = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 };

/** The digests of @noble/hashes: what runs when the runtime brings none. */
export const nobleDigest: SyncDigest = (name, data) => NOBLE[name](data);

/** The synchronous digests `crypto` (a VerifyCrypto, typed by its shape: importing types.ts here closes an import cycle) brings, else @noble/hashes's. */
export function syncDigestOf(crypto: { digestSync?: SyncDigest | undefined } | undefined): SyncDigest {
  return crypto?.digestSync ?? nobleDigest;
}
