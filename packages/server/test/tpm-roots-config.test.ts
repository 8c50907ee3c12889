/** attestation.tpmRoots: the AK certificate roots of /attest/Tpm, read at start from PEM or DER files; a bad file names the setting and the file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfideError } from '@confide/core';
import { vector, vectorsMissing } from '@confide/test-kit/vectors';
import { loadConfig } from '../src/index.js';
import { tpmRootsFromConfig } from '../src/compose/index.js';

const dir = mkdtempSync(join(tmpdir(), 'confide-tpm-roots-'));
const config = (value: string | undefined) => loadConfig({ env: value === undefined ? {} : { CONFIDE_ATTESTATION_TPM_ROOTS: value } }).config;

function refusal(value: string): { code: string; key: unknown; path: unknown } {
  try {
    tpmRootsFromConfig(config(value));
  } catch (err) {
    assert.ok(isConfideError(err), String(err));
    return { code: err.code, key: err.details?.['key'], path: err.details?.['path'] };
  }
  assert.fail('expected a refusal');
}

test('unset, no TPM root is configured', () => {
  assert.equal(tpmRootsFromConfig(config(undefined)), undefined);
});

test('DER and PEM files are read, every certificate of a PEM file', { skip: vectorsMissing ?? false }, () => {
  const der = vector('tpm/google-go-tpm-tools/tpm_ek_root_1.cer');
  const other = vector('tpm/google-go-tpm-tools/gcp_ek_ak_ca_root.crt');
  const derPath = join(dir, 'root.cer');
  writeFileSync(derPath, der);
  const pemPath = join(dir, 'two.pem');
  const pem = (b: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(b).toString('base64')}\n-----END CERTIFICATE-----\n`;
  // The second vector file may be PEM or DER: the reader under test gives its DER.
  const otherDer = tpmRootsFromConfig(config(writeAndPath('other', other)))![0]!;
  writeFileSync(pemPath, pem(der) + pem(otherDer));
  const roots = tpmRootsFromConfig(config(`${derPath},${pemPath}`))!;
  assert.equal(roots.length, 3);
  assert.deepEqual(roots[0], der);
  assert.deepEqual(roots[1], der);
  assert.deepEqual(roots[2], otherDer);
});

function writeAndPath(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

test('a missing file or one that holds no certificate is ERR_CONFIG_INVALID naming attestation.tpmRoots and the file', () => {
  const missing = join(dir, 'absent.pem');
  assert.deepEqual(refusal(missing), { code: 'ERR_CONFIG_INVALID', key: 'attestation.tpmRoots', path: missing });
  const junk = writeAndPath('junk.pem', new TextEncoder().encode('hello'));
  assert.deepEqual(refusal(junk), { code: 'ERR_CONFIG_INVALID', key: 'attestation.tpmRoots', path: junk });
});
