/**
 * Bounded-time fuzzing for parsers: mutations of real inputs (bit flips, byte overwrites,
 * truncation, insertion, size fields set to extremes) must be parsed or refused with a
 * ConfideError, never another exception or a hang.
 */
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { prng } from '@confide/test-kit/nvidia-pki';

/** Time each parser is fuzzed for. */
const BUDGET_MS = Number(process.env['CONFIDE_FUZZ_MS'] ?? 400);

export function mutate(input: Uint8Array, next: () => number): Uint8Array {
  let b = input.slice();
  const rounds = 1 + (next() % 4);
  for (let k = 0; k < rounds; k++) {
    const at = b.length === 0 ? 0 : next() % b.length;
    switch (next() % 6) {
      case 0:
        if (b.length) b[at]! ^= 1 << (next() % 8);
        break;
      case 1:
        if (b.length) b[at] = next() & 255;
        break;
      case 2:
        b = b.subarray(0, at);
        break;
      case 3: {
        const extra = new Uint8Array(1 + (next() % 16)).map(() => next() & 255);
        const out = new Uint8Array(b.length + extra.length);
        out.set(b.subarray(0, at));
        out.set(extra, at);
        out.set(b.subarray(at), at + extra.length);
        b = out;
        break;
      }
      case 4:
        // A size or count field at its extreme.
        for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = 0xff;
        break;
      default:
        for (let i = 0; i < 2 && at + i < b.length; i++) b[at + i] = 0;
    }
  }
  return b;
}

/** Runs `run` on mutations of the seeds for BUDGET_MS; returns the iterations. */
export async function fuzz(name: string, seeds: Uint8Array[], run: (b: Uint8Array) => unknown | Promise<unknown>): Promise<number> {
  const start = Date.now();
  let iterations = 0;
  let seed = 0x9e3779b9 ^ name.length;
  while (Date.now() - start < BUDGET_MS) {
    const caseSeed = seed++;
    const next = prng(caseSeed);
    const input = mutate(seeds[next() % seeds.length]!, next);
    try {
      await run(input);
    } catch (err) {
      assert.ok(isConfideError(err), `${name}, seed ${caseSeed}: ${err instanceof Error ? err.stack : String(err)}`);
    }
    iterations++;
  }
  return iterations;
}

