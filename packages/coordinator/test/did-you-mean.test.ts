import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkManifest } from '../src/index.js';
import { didYouMean } from '../src/manifest/did-you-mean.js';

test('didYouMean: a close misspelling finds its name; a far one finds none', () => {
  const top = ['Packages', 'Marbles', 'Secrets', 'Users', 'Roles', 'RecoveryKeys', 'TLS', 'Config'];
  assert.equal(didYouMean('Pakages', top), 'Packages');
  assert.equal(didYouMean('marbels', top), 'Marbles');
  assert.equal(didYouMean('Debugg', ['Debug', 'UniqueID']), 'Debug');
  assert.equal(didYouMean('Clients', top), undefined);
  assert.equal(didYouMean('X', top), undefined);
});

test('an unknown manifest key warns with the key it probably meant', () => {
  const { warnings } = checkManifest(JSON.stringify({ Pakages: {}, Packages: { p: { Tee: 'sim', UniqueID: 'ab'.repeat(32), Debugg: true } } }));
  const messages = Object.fromEntries(warnings.filter((w) => w.rule === 'json.unknown-key').map((w) => [w.path, w.message]));
  assert.match(messages['Pakages']!, /did you mean "Packages"\?/);
  assert.match(messages['Packages.p.Debugg']!, /did you mean "Debug"\?/);
});
