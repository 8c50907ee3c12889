/** The assertion the packages' tests make on failures: the stable error code (ERR_*), not prose. */
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';

/**
 * Asserts that `p` rejects with a ConfideError of `code` and, when given, these `details`
 * entries; a mismatch names what came instead.
 */
export async function rejectsWithCode(p: Promise<unknown>, code: string, details?: Record<string, unknown>): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isConfideError(err), `expected a ConfideError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const [k, v] of Object.entries(details ?? {})) assert.deepEqual(err.details?.[k], v, k);
    return true;
  });
}
