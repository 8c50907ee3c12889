/**
 * Bearer tokens that verified, remembered by the SHA-256 of the whole token. A client sends the
 * same token with every request for its lifetime (an Azure AD token lives about an hour), and
 * checking its signature costs more than most requests' own work. An entry answers only until the
 * token's `exp` (plus the verifier's clock tolerance) and until the time the caller gives
 * (bearer-jwt.ts: the end of the period of the JWKS it verified with, so a key the issuer withdrew
 * stops being honoured no later than without this cache), and every entry goes when a fetched
 * JWKS replaces the one in use. Failures are never remembered. At most `capacity` entries; the
 * oldest goes first.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '@confide/core';

export type Claims = Readonly<Record<string, unknown>>;

interface Entry {
  claims: Claims;
  /** Milliseconds since the epoch after which the entry no longer answers. */
  until: number;
}

export interface VerifiedTokens {
  /** The claims of `token` if it verified before and its entry still answers. */
  get(token: string): Claims | undefined;
  /** Remembers claims that just verified, until `notAfter` (ms since the epoch) at most; claims without a numeric `exp` are not remembered. */
  add(token: string, claims: Claims, notAfter: number): void;
  /** Forgets every token: the keys they verified with may have changed. */
  clear(): void;
}

/** Freezes an object and everything in it, so that one request cannot change the claims another sees. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export function verifiedTokens(options: { clock: Clock; toleranceMs: number; capacity: number }): VerifiedTokens {
  const { clock, toleranceMs, capacity } = options;
  const entries = new Map<string, Entry>();
  const keyOf = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64');
  return {
    get(token) {
      const key = keyOf(token);
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (clock.now().getTime() < entry.until) return entry.claims;
      entries.delete(key);
      return undefined;
    },
    add(token, claims, notAfter) {
      const exp = claims['exp'];
      if (typeof exp !== 'number' || !Number.isFinite(exp) || capacity <= 0) return;
      const until = Math.min(exp * 1000 + toleranceMs, notAfter);
      const key = keyOf(token);
      entries.delete(key);
      if (entries.size >= capacity) entries.delete(entries.keys().next().value!);
      entries.set(key, { claims: deepFreeze(claims), until });
    },
    clear() {
      entries.clear();
    },
  };
}
