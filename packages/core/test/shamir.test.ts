import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gfMul, interpolateSecret, platformRandom, splitSecret } from '../src/index.js';

test('splitSecret evaluates the polynomial with the injected coefficients; interpolation at 0 inverts it', () => {
  // f(x) = 0x2a + 0x03 x + 0x05 x^2 over GF(2^8): f(1) = 0x2a^0x03^0x05, f(2) = 0x2a^mul(3,2)^mul(5,4).
  const shares = splitSecret(Uint8Array.of(0x2a), 3, 3, () => Uint8Array.of(0x03, 0x05));
  assert.deepEqual(shares.map((s) => s.x), [1, 2, 3]);
  assert.equal(shares[0]!.y[0], 0x2a ^ 0x03 ^ 0x05);
  assert.equal(shares[1]!.y[0], 0x2a ^ gfMul(3, 2) ^ gfMul(5, 4));
  assert.deepEqual(interpolateSecret(shares), Uint8Array.of(0x2a));
});

test('any k of n shares rebuild a 32-byte secret; k-1 give another value', () => {
  const secret = platformRandom(32);
  const shares = splitSecret(secret, 5, 3, platformRandom);
  for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) for (let c = b + 1; c < 5; c++) assert.deepEqual(interpolateSecret([shares[c]!, shares[a]!, shares[b]!]), secret);
  assert.notDeepEqual(interpolateSecret(shares.slice(0, 2)), secret);
});
