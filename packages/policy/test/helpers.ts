import assert from 'node:assert/strict';
import { isConfideError, type ErrorCode } from '@confide/core';
import type { ResolvedClaim } from '@confide/policy';

/** Asserts `fn` throws a ConfideError with `code` and, when given, exactly these details. */
export function throwsCode(fn: () => unknown, code: ErrorCode, details?: Record<string, unknown>): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  assert.ok(isConfideError(thrown), `expected ConfideError ${code}, got ${String(thrown)}`);
  assert.equal(thrown.code, code, thrown.message);
  if (details !== undefined) assert.deepEqual(thrown.details, details, thrown.message);
}

/** type -> value pairs of issued claims, in order, for compact assertions. */
export function pairs(claims: readonly ResolvedClaim[]): [string, unknown][] {
  return claims.map((c) => [c.type, c.value]);
}

export const svc = (type: string, value: unknown): { type: string; value: unknown; issuer: string } => ({ type, value, issuer: 'AttestationService' });
