/** The table-driven hex and base64 codecs against node's Buffer, which serves as the reference. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fromBase64, fromHex, isConfideError, toBase64, toBase64Url, toHex } from '@confide/core';

const samples = [0, 1, 2, 3, 4, 5, 31, 32, 33, 64, 65, 255, 4097, 40_000].map((n) => new Uint8Array(randomBytes(n)));
const all256 = Uint8Array.from({ length: 256 }, (_, i) => i);

test('perf-bytes: toHex / fromHex round-trip every byte value and match Buffer', () => {
  assert.equal(toHex(all256), Buffer.from(all256).toString('hex'));
  for (const b of [...samples, all256]) {
    const hex = Buffer.from(b).toString('hex');
    assert.equal(toHex(b), hex);
    assert.deepEqual(fromHex(hex), b);
    assert.deepEqual(fromHex(hex.toUpperCase()), b);
    assert.deepEqual(fromHex(`0x${hex}`), b);
    assert.deepEqual(fromHex(`0X${hex}`), b);
  }
});

test('perf-bytes: fromHex refuses odd lengths and every non-hex character', () => {
  for (const bad of ['0', 'abc', '0g', 'g0', 'zz', '0x0', ' 00', '00 ', '\u0130\u0130', '٠٠', '+1', '-1']) {
    assert.throws(() => fromHex(bad), (e) => isConfideError(e, 'ERR_INPUT_UNREADABLE'), bad);
  }
  assert.deepEqual(fromHex(''), new Uint8Array(0));
});

test('perf-bytes: toBase64 / toBase64Url match Buffer', () => {
  for (const b of [...samples, all256]) {
    assert.equal(toBase64(b), Buffer.from(b).toString('base64'));
    assert.equal(toBase64Url(b), Buffer.from(b).toString('base64url'));
  }
});

test('perf-bytes: fromBase64 decodes base64 and base64url, padded or not, with whitespace', () => {
  for (const b of [...samples, all256]) {
    const std = Buffer.from(b).toString('base64');
    const url = Buffer.from(b).toString('base64url');
    assert.deepEqual(fromBase64(std), b);
    assert.deepEqual(fromBase64(url), b);
    assert.deepEqual(fromBase64(std.replace(/=+$/, '')), b);
    assert.deepEqual(fromBase64(`${url}==`.slice(0, url.length + ((4 - (url.length % 4)) % 4))), b);
    // PEM-style line breaks and stray spaces are ignored.
    assert.deepEqual(fromBase64(` ${std.replace(/(.{8})/g, '$1\n')}\r\n`), b);
  }
});

test('perf-bytes: fromBase64 keeps the leniency it had: extra padding, dropped tail bits', () => {
  assert.deepEqual(fromBase64('QQ===='), Uint8Array.of(0x41));
  // "QR" carries 12 bits; the low 4 are dropped as before.
  assert.deepEqual(fromBase64('QR'), Uint8Array.of(0x41));
  assert.deepEqual(fromBase64('QUI'), Uint8Array.of(0x41, 0x42));
});

test('perf-bytes: fromBase64 refuses a bad character anywhere and a length of 4n+1', () => {
  for (const bad of ['A', 'AAAAA', 'AA=A', '=AAA', 'AA!A', 'AAAA*AAA', 'AAAAAA.A', 'AÀAA', 'AAAAAAA\u0100']) {
    assert.throws(() => fromBase64(bad), (e) => isConfideError(e, 'ERR_INPUT_UNREADABLE'), bad);
  }
  assert.deepEqual(fromBase64(''), new Uint8Array(0));
  assert.deepEqual(fromBase64('===='), new Uint8Array(0));
});
