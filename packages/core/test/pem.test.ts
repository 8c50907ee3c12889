/**
 * The one PEM reader and writer. It replaced three (evidence collateral, coordinator PKI, CLI)
 * that disagreed on bodies with base64url characters and on the error code: the strict reading
 * (standard base64 only) and a caller-chosen code are what all callers now get.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { defineErrorCodes, errorClass, isConfideError, pemBlocks, pemDecode, pemEncode } from '@confide/core';

/** A caller's own code, from its own table (as evidence passes ERR_COLLATERAL_MALFORMED). */
const CallerError = errorClass(defineErrorCodes('caller', { ERR_CALLER_CODE: { expose: true, summary: 'the caller\'s code' } }));

const der = Uint8Array.from({ length: 150 }, (_, i) => (i * 37) & 0xff);

test('pemEncode writes like Go: 64-character lines, every line ending in LF', () => {
  const pem = pemEncode('CERTIFICATE', der);
  const lines = pem.split('\n');
  assert.equal(lines[0], '-----BEGIN CERTIFICATE-----');
  assert.deepEqual(lines.slice(1, -2).map((l) => l.length), [64, 64, 64, 8]);
  assert.equal(lines.at(-2), '-----END CERTIFICATE-----');
  assert.equal(lines.at(-1), '');
  // Go writes no body line for no bytes.
  assert.equal(pemEncode('X', new Uint8Array()), '-----BEGIN X-----\n-----END X-----\n');
});

test('pemEncode matches what node writes for a key', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  assert.equal(pemEncode('PUBLIC KEY', spki), publicKey.export({ format: 'pem', type: 'spki' }));
});

test('pemBlocks reads every block in order, whatever surrounds it, CRLF and all', () => {
  const text = `junk\r\n${pemEncode('CERTIFICATE', der).replace(/\n/g, '\r\n')}between\n${pemEncode('X509 CRL', der.subarray(3))}tail`;
  const blocks = pemBlocks(text);
  assert.deepEqual(blocks.map((b) => b.label), ['CERTIFICATE', 'X509 CRL']);
  assert.deepEqual(blocks[0]!.der, der);
  assert.deepEqual(blocks[1]!.der, der.subarray(3));
  assert.deepEqual(pemDecode(text, 'X509 CRL'), der.subarray(3));
  assert.equal(pemDecode(text, 'PUBLIC KEY'), undefined);
  assert.deepEqual(pemBlocks('no pem here'), []);
  // A block whose END names another label is no block.
  assert.deepEqual(pemBlocks('-----BEGIN A-----\nAAAA\n-----END B-----\n'), []);
});

test('a body that is not standard base64 is refused with the caller code', () => {
  const bad = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
  for (const body of ['ab_c', 'ab-c', 'abc!', 'A', 'AAAA=A==']) {
    assert.throws(() => pemBlocks(bad(body)), (err: unknown) => isConfideError(err, 'ERR_INPUT_UNREADABLE'), body);
    assert.throws(() => pemBlocks(bad(body), (message) => new CallerError('ERR_CALLER_CODE', message)), (err: unknown) => isConfideError(err, 'ERR_CALLER_CODE'), body);
  }
});

test('what pemEncode writes, pemDecode reads back', () => {
  const pem = pemEncode('CERTIFICATE', der);
  assert.deepEqual(pemDecode(pem, 'CERTIFICATE'), der);
  assert.equal(pemEncode('CERTIFICATE', pemDecode(pem, 'CERTIFICATE')!), pem);
});
