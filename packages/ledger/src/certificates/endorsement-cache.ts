/**
 * Node certificates already found endorsed by a service identity, so a relying party checking
 * many receipts of one ledger checks each node certificate's endorsement chain once and imports
 * its key once (the chain check is a P-384 signature, about half of a receipt's signature work).
 *
 * A value the caller passes in (`verifyReceipt`'s `endorsed` option), never module state. An entry
 * is keyed by everything the answer depends on: the node certificate's DER, every endorsement's
 * DER in order, the identity's DER, and the WebCrypto implementation that checked them (entries
 * live per `crypto.subtle` object). Only a chain that verified is stored; a failure is checked
 * again every time. Bounded: the least recently used entry goes first.
 */
import { toHex } from '@confide/core';
import type { CcfCertificate } from './ccf-certificate.js';

export interface EndorsementCache {
  /** The node certificate stored for this chain (its imported key travels with the object), or undefined. */
  get(node: CcfCertificate, endorsements: readonly CcfCertificate[], identity: CcfCertificate): CcfCertificate | undefined;
  /** Records that this chain verified. */
  set(node: CcfCertificate, endorsements: readonly CcfCertificate[], identity: CcfCertificate): void;
  /** Entries held (for the current WebCrypto). */
  readonly size: number;
}

/** A cache of at most `maxEntries` endorsed chains (default 64; at least 1). */
export function createEndorsementCache(options: { maxEntries?: number } = {}): EndorsementCache {
  const max = Math.max(1, Math.floor(options.maxEntries ?? 64));
  const bySubtle = new WeakMap<SubtleCrypto, Map<string, CcfCertificate>>();
  const entries = (): Map<string, CcfCertificate> => {
    let map = bySubtle.get(crypto.subtle);
    if (!map) bySubtle.set(crypto.subtle, (map = new Map()));
    return map;
  };
  const keyOf = (node: CcfCertificate, endorsements: readonly CcfCertificate[], identity: CcfCertificate): string =>
    [node, ...endorsements, identity].map((c) => toHex(c.raw)).join('/');
  return {
    get(node, endorsements, identity) {
      const map = entries();
      const key = keyOf(node, endorsements, identity);
      const hit = map.get(key);
      if (hit) {
        // Most recently used last, so eviction takes the oldest.
        map.delete(key);
        map.set(key, hit);
      }
      return hit;
    },
    set(node, endorsements, identity) {
      const map = entries();
      const key = keyOf(node, endorsements, identity);
      map.delete(key);
      map.set(key, node);
      while (map.size > max) map.delete(map.keys().next().value!);
    },
    get size() {
      return entries().size;
    },
  };
}
