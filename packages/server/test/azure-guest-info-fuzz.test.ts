/**
 * A bounded fuzz pass over the AzureGuest request decoder: mutations of a real AttestationInfo
 * (bit flips, byte overwrites, truncation) are decoded or refused with a ConfideError, never
 * another exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { vectorsMissing } from '@confide/test-kit/vectors';
import { prng } from '@confide/test-kit/nvidia-pki';
import { parseAttestRequest } from '../src/services/attestation/index.js';
import { snpVectorInfo } from './maa-azure-guest-helpers.js';

const BUDGET_MS = Number(process.env['CONFIDE_FUZZ_MS'] ?? 400);

test('AttestationInfo under fuzzing throws only ConfideError', { skip: vectorsMissing ?? false }, () => {
  const seed = new TextEncoder().encode(JSON.stringify(snpVectorInfo()));
  const next = prng(0x9e3779b9);
  const end = Date.now() + BUDGET_MS;
  let runs = 0;
  let refused = 0;
  while (Date.now() < end) {
    let b = seed.slice();
    for (let k = 0, n = 1 + (next() % 4); k < n; k++) {
      const at = next() % b.length;
      const kind = next() % 3;
      if (kind === 0) b[at]! ^= 1 << (next() % 8);
      else if (kind === 1) b[at] = next() & 255;
      else b = b.subarray(0, at);
    }
    try {
      parseAttestRequest('AzureGuest', { AttestationInfo: Buffer.from(b).toString('base64url') });
    } catch (err) {
      assert.ok(isConfideError(err), `not a ConfideError: ${String(err)}`);
      refused++;
    }
    runs++;
  }
  assert.ok(runs > 10 && refused > 0, `${runs} runs, ${refused} refused`);
});
