import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifiedTokens } from '../src/plugins/verified-tokens.js';
import { movableClock } from './tokens-helpers.js';

const start = Date.UTC(2026, 11, 4);
const exp = (secondsFromStart: number): number => start / 1000 + secondsFromStart;

test('verified tokens: remembered by the whole token until min(exp + tolerance, the time given); the oldest goes past capacity', () => {
  const clock = movableClock(new Date(start));
  const cache = verifiedTokens({ clock, toleranceMs: 30_000, capacity: 2 });
  const later = (ms: number): number => clock.now().getTime() + ms;
  cache.add('t1', { sub: 'a', exp: exp(60) }, later(600_000));
  assert.equal(cache.get('t1')?.['sub'], 'a');
  assert.equal(cache.get('t1x'), undefined, 'another token, even one that starts the same');
  assert.equal(cache.get('t'), undefined);
  clock.advance(89_999);
  assert.equal(cache.get('t1')?.['sub'], 'a', 'within exp and the tolerance');
  clock.advance(1);
  assert.equal(cache.get('t1'), undefined, 'exp + tolerance reached');

  cache.add('long', { exp: exp(86_400) }, later(600_000));
  clock.advance(599_999);
  assert.notEqual(cache.get('long'), undefined);
  clock.advance(1);
  assert.equal(cache.get('long'), undefined, 'the time given came before exp');

  cache.add('a', { exp: exp(86_400) }, later(600_000));
  cache.add('b', { exp: exp(86_400) }, later(600_000));
  cache.add('c', { exp: exp(86_400) }, later(600_000));
  assert.equal(cache.get('a'), undefined, 'capacity 2: the oldest went');
  assert.notEqual(cache.get('b'), undefined);
  assert.notEqual(cache.get('c'), undefined);
  cache.clear();
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('c'), undefined);
});

test('verified tokens: claims without a numeric exp are not remembered; remembered claims cannot be changed', () => {
  const clock = movableClock(new Date(start));
  const cache = verifiedTokens({ clock, toleranceMs: 0, capacity: 8 });
  const later = (ms: number): number => clock.now().getTime() + ms;
  cache.add('no-exp', { sub: 'a' }, later(600_000));
  cache.add('text-exp', { sub: 'a', exp: String(exp(60)) }, later(600_000));
  assert.equal(cache.get('no-exp'), undefined);
  assert.equal(cache.get('text-exp'), undefined);
  cache.add('t', { exp: exp(60), roles: ['Reader'], nested: { x: 1 } }, later(600_000));
  const claims = cache.get('t')!;
  assert.throws(() => (claims['roles'] as string[]).push('Administrator'), TypeError);
  assert.throws(() => {
    (claims['nested'] as { x: number }).x = 2;
  }, TypeError);
  assert.deepEqual(cache.get('t')?.['roles'], ['Reader']);
});
