import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError, type ErrorCode } from '@confide/core';
import { decodeShamirShare, encodeShamirShare, shamirCombine, shamirSplit, xorCombine, xorSplit, type ShamirShare } from '../src/index.js';
import { gfInv, gfMul } from '@confide/core';

function secret32(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

/** Every subset of `items` (by bit mask), empty set excluded. */
function subsets<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let mask = 1; mask < 1 << items.length; mask++) out.push(items.filter((_, i) => mask & (1 << i)));
  return out;
}

function throwsCode(fn: () => unknown, code: ErrorCode, reason?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isConfideError(err, code), `expected ${code}, got ${String(err)}`);
    if (reason !== undefined) assert.equal(err.details?.reason, reason);
    return true;
  });
}

test('GF(2^8) multiplication matches FIPS-197 section 4.2 and every element has an inverse', () => {
  assert.equal(gfMul(0x57, 0x83), 0xc1);
  assert.equal(gfMul(0x57, 0x13), 0xfe);
  assert.equal(gfMul(0, 0xff), 0);
  for (let a = 1; a < 256; a++) assert.equal(gfMul(a, gfInv(a)), 1, `inverse of ${a}`);
  assert.equal(gfInv(0), 0);
});

test('shamir: every k-of-n split up to 5 rebuilds from every subset of k or more shares and not from fewer', () => {
  for (let n = 1; n <= 5; n++) {
    for (let k = 1; k <= n; k++) {
      const secret = secret32();
      const shares = shamirSplit(secret, n, k);
      assert.deepEqual(shares.map((s) => s.x), Array.from({ length: n }, (_, i) => i + 1));
      for (const subset of subsets(shares)) {
        const combined = shamirCombine(subset);
        if (subset.length >= k) assert.deepEqual(combined, secret, `k=${k} n=${n} xs=${subset.map((s) => s.x)}`);
        else assert.notDeepEqual(combined, secret, `k=${k} n=${n} xs=${subset.map((s) => s.x)} rebuilt with too few shares`);
      }
    }
  }
});

test('shamir: combine interpolates a hand-made degree-1 polynomial (secret 0x2a, slope 0x07)', () => {
  const share = (x: number): ShamirShare => ({ x, y: Uint8Array.of(0x2a ^ gfMul(0x07, x)) });
  assert.deepEqual(shamirCombine([share(3), share(200)]), Uint8Array.of(0x2a));
  assert.deepEqual(shamirCombine([share(255), share(1), share(9)]), Uint8Array.of(0x2a));
});

test('shamir: shares of one secret differ between splits, and a single share with k >= 2 is not the secret', () => {
  const secret = secret32();
  const a = shamirSplit(secret, 3, 2);
  const b = shamirSplit(secret, 3, 2);
  assert.notDeepEqual(a[0]!.y, b[0]!.y);
  assert.notDeepEqual(a[0]!.y, secret);
});

test('shamir: share encoding is y || x and round-trips', () => {
  const [share] = shamirSplit(secret32(), 3, 2);
  const bytes = encodeShamirShare(share!);
  assert.equal(bytes.length, 33);
  assert.equal(bytes[32], 1);
  assert.deepEqual(decodeShamirShare(bytes, 32), share);
});

test('shamir: malformed shares are refused with ERR_RECOVERY_SHARE_INVALID', () => {
  const shares = shamirSplit(secret32(), 3, 2);
  throwsCode(() => shamirCombine([]), 'ERR_RECOVERY_SHARE_INVALID', 'no shares');
  throwsCode(() => shamirCombine([{ x: 0, y: shares[0]!.y }, shares[1]!]), 'ERR_RECOVERY_SHARE_INVALID', 'x coordinate out of range');
  throwsCode(() => shamirCombine([{ x: 256, y: shares[0]!.y }, shares[1]!]), 'ERR_RECOVERY_SHARE_INVALID', 'x coordinate out of range');
  throwsCode(() => shamirCombine([{ x: 1.5, y: shares[0]!.y }, shares[1]!]), 'ERR_RECOVERY_SHARE_INVALID', 'x coordinate out of range');
  throwsCode(() => shamirCombine([shares[0]!, { x: 1, y: shares[1]!.y }]), 'ERR_RECOVERY_SHARE_INVALID', 'duplicate x coordinate');
  throwsCode(() => shamirCombine([shares[0]!, { x: 2, y: shares[1]!.y.subarray(0, 31) }]), 'ERR_RECOVERY_SHARE_INVALID', 'shares differ in length');
  throwsCode(() => shamirCombine([{ x: 1, y: new Uint8Array(0) }]), 'ERR_RECOVERY_SHARE_INVALID', 'shares differ in length');
  throwsCode(() => decodeShamirShare(new Uint8Array(32), 32), 'ERR_RECOVERY_SHARE_INVALID');
  throwsCode(() => decodeShamirShare(new Uint8Array(34), 32), 'ERR_RECOVERY_SHARE_INVALID');
  throwsCode(() => decodeShamirShare(new Uint8Array(33), 32), 'ERR_RECOVERY_SHARE_INVALID', 'x coordinate out of range');
});

test('shamir: split parameters out of range are refused with ERR_RECOVERY_KEYS_INVALID', () => {
  const s = secret32();
  throwsCode(() => shamirSplit(s, 3, 4), 'ERR_RECOVERY_KEYS_INVALID');
  throwsCode(() => shamirSplit(s, 3, 0), 'ERR_RECOVERY_KEYS_INVALID');
  throwsCode(() => shamirSplit(s, 0, 0), 'ERR_RECOVERY_KEYS_INVALID');
  throwsCode(() => shamirSplit(s, 256, 2), 'ERR_RECOVERY_KEYS_INVALID');
  throwsCode(() => shamirSplit(new Uint8Array(0), 3, 2), 'ERR_RECOVERY_KEYS_INVALID');
  assert.equal(shamirSplit(s, 255, 2).length, 255);
});

test('xor: all n parts rebuild the secret, any n-1 do not; one part is the secret itself', () => {
  for (let n = 1; n <= 5; n++) {
    const secret = secret32();
    const parts = xorSplit(secret, n);
    assert.equal(parts.length, n);
    for (const subset of subsets(parts)) {
      if (subset.length === n) assert.deepEqual(xorCombine(subset), secret);
      else assert.notDeepEqual(xorCombine(subset), secret);
    }
  }
  const s = secret32();
  assert.deepEqual(xorSplit(s, 1), [s]);
  throwsCode(() => xorCombine([]), 'ERR_RECOVERY_SHARE_INVALID');
  throwsCode(() => xorCombine([new Uint8Array(32), new Uint8Array(31)]), 'ERR_RECOVERY_SHARE_INVALID');
  throwsCode(() => xorSplit(s, 0), 'ERR_RECOVERY_KEYS_INVALID');
});
