import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSecret } from '../src/commands/secret.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

test('secret get: a plain secret prints as its data, not in PUBLIC KEY armour', () => {
  // The coordinator answers plain data in both halves, as MarbleRun does.
  const text = describeSecret('greeting', { type: 'plain', public: b64('hello world'), private: b64('hello world') });
  assert.doesNotMatch(text, /BEGIN/);
  assert.match(text, /data {2}hello world/);
});

test('secret get: a symmetric key prints as base64 once, not in PUBLIC KEY armour', () => {
  const key = Buffer.alloc(16, 7).toString('base64');
  const text = describeSecret('aes', { type: 'symmetric-key', public: key, private: key });
  assert.doesNotMatch(text, /BEGIN/);
  assert.equal(text.split(key).length - 1, 1);
});

test('secret get: a key pair still prints its public key in PEM', () => {
  const text = describeSecret('signing', { type: 'cert-ecdsa', public: b64('spki'), private: b64('pkcs8') });
  assert.match(text, /BEGIN PUBLIC KEY/);
  assert.match(text, /BEGIN PRIVATE KEY/);
});
