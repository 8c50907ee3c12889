import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { policyHash } from '@confide/policy';

test('policyHash is BASE64URL(SHA256(UTF8(BASE64URL(UTF8(text))))) as the claim sets page documents', async () => {
  const text = 'version= 1.0;\nauthorizationrules\n{\n    => permit();\n};\n// ü\n';
  const inner = Buffer.from(text, 'utf8').toString('base64url');
  const expected = createHash('sha256').update(inner, 'utf8').digest('base64url');
  assert.equal(await policyHash(text), expected);
  assert.equal(await policyHash('version=1.0;'), '19i83kYUJrNjFhofbXgekndgH4nqXEkpmebWlG5krvs');
  assert.notEqual(await policyHash('version=1.0; '), await policyHash('version=1.0;'));
});
