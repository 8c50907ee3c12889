/**
 * The digests of a crypto-agile event (TCG_PCR_EVENT2's TPML_DIGEST_VALUES): each must be of an
 * algorithm the Spec ID event announces, at most once each, in any order.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { parseTcgEventLog } from '../src/index.js';

const SHA1 = 0x0004;
const SHA256 = 0x000b;
const SIZES: Record<number, number> = { [SHA1]: 20, [SHA256]: 32 };
const EV_NO_ACTION = 3;
const EV_SEPARATOR = 4;

function le(bytes: number, value: number): number[] {
  return Array.from({ length: bytes }, (_, i) => (value >>> (8 * i)) & 0xff);
}

/** A log announcing SHA-1 and SHA-256, then one separator event carrying a digest of each algorithm in `algs`, in that order. */
function logWith(algs: number[]): Uint8Array {
  const specId = [...new TextEncoder().encode('Spec ID Event03\0'), ...le(4, 0), 0, 2, 0, 2, ...le(4, 2), ...le(2, SHA1), ...le(2, 20), ...le(2, SHA256), ...le(2, 32), 0];
  const first = [...le(4, 0), ...le(4, EV_NO_ACTION), ...new Array<number>(20).fill(0), ...le(4, specId.length), ...specId];
  const digests = algs.flatMap((alg) => [...le(2, alg), ...new Array<number>(SIZES[alg] ?? 20).fill(0xab)]);
  const event = [...le(4, 0), ...le(4, EV_SEPARATOR), ...le(4, algs.length), ...digests, ...le(4, 4), 0, 0, 0, 0];
  return Uint8Array.from([...first, ...event]);
}

const malformed = (pattern: RegExp) => (err: unknown) => isConfideError(err, 'ERR_EVIDENCE_MALFORMED') && pattern.test((err as Error).message);

describe('TCG event log: the digests of a crypto-agile event', () => {
  it('reads one digest per announced algorithm, in either order', () => {
    for (const algs of [[SHA1, SHA256], [SHA256, SHA1]]) {
      const log = parseTcgEventLog(logWith(algs));
      assert.equal(log.format, 'crypto-agile');
      assert.deepEqual([...log.events[1]!.digests.keys()].sort(), ['sha1', 'sha256']);
      assert.equal(log.events[1]!.digests.get('sha256')!.length, 32);
    }
  });

  it('refuses a second digest of the same algorithm, first or second announced', () => {
    assert.throws(() => parseTcgEventLog(logWith([SHA1, SHA1])), malformed(/two digests of algorithm 0x4/));
    assert.throws(() => parseTcgEventLog(logWith([SHA256, SHA256])), malformed(/two digests of algorithm 0xb/));
  });

  it('refuses a digest of an algorithm the Spec ID event does not announce', () => {
    assert.throws(() => parseTcgEventLog(logWith([SHA1, 0x000c])), malformed(/does not announce/));
  });
});
