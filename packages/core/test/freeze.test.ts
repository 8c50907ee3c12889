/**
 * The one deepFreeze (the evidence caches and the server's text memo each had one; the server's
 * also left promises alone, which is the behaviour kept).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepFreeze } from '@confide/core';

test('deepFreeze freezes objects and arrays all the way down and returns the same value', () => {
  const value = { a: { b: [1, { c: 2 }] }, d: 'x' };
  assert.equal(deepFreeze(value), value);
  assert.ok(Object.isFrozen(value) && Object.isFrozen(value.a) && Object.isFrozen(value.a.b) && Object.isFrozen(value.a.b[1]));
  assert.throws(() => {
    (value.a.b[1] as { c: number }).c = 3;
  }, TypeError);
});

test('deepFreeze leaves typed arrays, Maps and promises as they are', () => {
  const bytes = new Uint8Array([1, 2]);
  const map = new Map([['k', { v: 1 }]]);
  const promise = Promise.resolve({ v: 1 });
  const value = deepFreeze({ bytes, map, promise });
  assert.ok(Object.isFrozen(value));
  assert.ok(!Object.isFrozen(map) && !Object.isFrozen(map.get('k')));
  assert.ok(!Object.isFrozen(promise));
  bytes[0] = 9;
  assert.equal(value.bytes[0], 9);
  assert.equal(deepFreeze(null), null);
  assert.equal(deepFreeze(7), 7);
});
