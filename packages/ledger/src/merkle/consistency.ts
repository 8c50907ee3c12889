/**
 * Checks that a later tree extends an earlier one (RFC 9162 section 2.1.4.2, with CCF's node hash
 * SHA-256(left ‖ right) in place of RFC 9162's prefixed one): a client that kept an old signed
 * root proves that history up to it was neither rewritten nor trimmed.
 */
import { timingSafeEqual } from '@confide/core';
import { LedgerError } from '../errors.js';
import { hashPair, isPowerOfTwo } from './hash.js';

/** A tree size and its root. */
export interface SizedRoot {
  size: number;
  root: Uint8Array;
}

function inconsistent(reason: string, from: number, to: number): LedgerError {
  return new LedgerError('ERR_LEDGER_INCONSISTENT', `the tree of ${to} leaves does not extend the tree of ${from}: ${reason}`, { details: { from, to, reason } });
}

/** Resolves when `proof` shows `later` extends `earlier`. Throws ERR_LEDGER_INCONSISTENT. */
export async function verifyConsistency(earlier: SizedRoot, later: SizedRoot, proof: readonly Uint8Array[]): Promise<void> {
  const { size: from } = earlier;
  const { size: to } = later;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || from > to) throw inconsistent('sizes go backwards or are not positive', from, to);
  if (from === to) {
    if (proof.length !== 0 || !timingSafeEqual(earlier.root, later.root)) throw inconsistent('same size, different roots', from, to);
    return;
  }
  // A power-of-two earlier tree is a node of the later one: the proof leaves its root out.
  const path = isPowerOfTwo(from) ? [earlier.root, ...proof] : [...proof];
  if (path.length === 0) throw inconsistent('empty proof', from, to);
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) throw inconsistent('proof too long', from, to);
    if (fn % 2 === 1 || fn === sn) {
      fr = await hashPair(c, fr);
      sr = await hashPair(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = await hashPair(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw inconsistent('proof too short', from, to);
  if (!timingSafeEqual(fr, earlier.root)) throw inconsistent('the proof does not lead to the earlier root', from, to);
  if (!timingSafeEqual(sr, later.root)) throw inconsistent('the proof does not lead to the later root', from, to);
}
