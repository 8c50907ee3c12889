import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSecret } from '../src/commands/secret.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

test('secret get: a plain secret prints as its data, not in PUBLIC KEY armour', () => {
  // The coordinator answers plain data in both halves, as MarbleRun does.
  const text = describeSecret('greeting', { Type: 'plain', Public: b64('hello world'), Private: b64('hello world') });
  assert.doesNotMatch(text, /BEGIN/);
  assert.match(text, /data {2}hello world/);
});

test('secret get: a symmetric key prints as base64 once, not in PUBLIC KEY armour', () => {
  const key = Buffer.alloc(16, 7).toString('base64');
  const text = describeSecret('aes', { Type: 'symmetric-key', Public: key, Private: key });
  assert.doesNotMatch(text, /BEGIN/);
  assert.equal(text.split(key).length - 1, 1);
});

test('secret get: a key pair still prints its public key in PEM', () => {
  const text = describeSecret('signing', { Type: 'cert-ecdsa', Public: b64('spki'), Private: b64('pkcs8') });
  assert.match(text, /BEGIN PUBLIC KEY/);
  assert.match(text, /BEGIN PRIVATE KEY/);
});
