/**
 * MarbleRun's POST /api/v2/monotonic-counter in two halves, in its handler's order
 * (coordinator/server/v2/v2.go MonotonicCounterPost): who may call (the feature gate, then the
 * marble's certificate) before the body is read, then the set itself in a store transaction.
 */
import { toHex } from '@confide/core';
import type { Repositories } from '@confide/store';
import { CoordinatorError } from '../errors.js';
import { hasFeature } from '../manifest/feature-gates.js';
import { verifyMarbleCertificate, type MarbleIdentity } from '../pki/verify-marble.js';
import type { Change } from './change.js';
import { monotonicCounterId, type MonotonicCounterBook } from './monotonic-counter.js';
import type { StateData } from './state.js';

/**
 * The marble presenting `clientCertificate`, once the manifest enables MonotonicCounter. Throws
 * ERR_FORBIDDEN (the gate is off: MarbleRun answers 403 before looking at the caller),
 * ERR_UNAUTHENTICATED (pki/verify-marble.ts).
 */
export function counterCaller(state: StateData, clientCertificate: Uint8Array | undefined, now: Date): MarbleIdentity {
  if (!hasFeature(state.deployment!.manifest.Config, 'MonotonicCounter')) {
    throw new CoordinatorError('ERR_FORBIDDEN', 'MonotonicCounter feature is not enabled in the manifest', { details: { feature: 'MonotonicCounter' } });
  }
  return verifyMarbleCertificate(state.pki.marbleRootCert, clientCertificate, now);
}

/** UUID bytes as text, for the audit entry. */
function uuidText(uuid: Uint8Array): string {
  const hex = toHex(uuid);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Sets `caller`'s counter `name` to `value` if that is higher; the result is the value before
 * (MarbleRun's answer). A raise is audited (`marble.counter`); a value that changes nothing is
 * not. Throws ERR_VALIDATION, ERR_SEAL_UNSEAL_FAILED.
 */
export async function setCounterChange(book: MonotonicCounterBook, repos: Repositories, caller: MarbleIdentity, name: string, value: bigint): Promise<Change<bigint>> {
  const before = await book.raise(repos, monotonicCounterId(caller.marbleType, caller.uuid, name), value);
  if (value <= before) return { result: before };
  return {
    result: before,
    audit: [{ type: 'marble.counter', actor: uuidText(caller.uuid), details: { marbleType: caller.marbleType, name, value: value.toString(), previous: before.toString() } }],
  };
}
