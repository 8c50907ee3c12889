/**
 * What a pending manifest update changes, by name (src/verify/manifest-changes.ts): reordered
 * keys are no change, and names are the manifest's own, so one that an Object.prototype member
 * also carries ("constructor", "toString") is added and removed like any other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestChanges } from '../src/verify/manifest-changes.js';

test('added, removed and changed by name; reordered keys are no change', () => {
  const current = { Marbles: { web: { Package: 'p', Parameters: { Argv: ['a'], Env: { X: '1' } } }, old: { Package: 'p' } } };
  const next = { Marbles: { web: { Parameters: { Env: { X: '1' }, Argv: ['a'] }, Package: 'p' }, db: { Package: 'q' } }, Users: { alice: { Roles: ['r'] } } };
  assert.deepEqual(manifestChanges(current, next), [
    { section: 'Marbles', name: 'db', change: 'added' },
    { section: 'Marbles', name: 'old', change: 'removed' },
    { section: 'Users', name: 'alice', change: 'added' },
  ]);
  assert.deepEqual(manifestChanges(current, { Marbles: { ...next.Marbles, web: { Package: 'p2' } } }).find((c) => c.name === 'web'), { section: 'Marbles', name: 'web', change: 'changed' });
});

test('a name an Object.prototype member also carries is added and removed, not changed', () => {
  assert.deepEqual(manifestChanges({ Marbles: {} }, { Marbles: { constructor: { Package: 'p' } } }), [{ section: 'Marbles', name: 'constructor', change: 'added' }]);
  assert.deepEqual(manifestChanges({ Marbles: { toString: { Package: 'p' } } }, { Marbles: {} }), [{ section: 'Marbles', name: 'toString', change: 'removed' }]);
});
