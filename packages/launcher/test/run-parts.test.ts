/** The launcher's small parts: UUID file, coordinator address, answer decoding, environment, exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfideError, type ErrorCode } from '@confide/core';
import { decodeActivation } from '../src/answer.js';
import { childEnv } from '../src/child-env.js';
import { checkTtls } from '../src/ttls/index.js';
import { parseCoordinatorAddress } from '../src/coordinator-address.js';
import { signalExitCode } from '../src/run-program.js';
import { loadOrCreateUuid } from '../src/uuid-file.js';
import { ANSWER_PEMS } from '@confide/test-kit/fake-coordinator';

const tmp = mkdtempSync(join(tmpdir(), 'confide-run-parts-'));

function throwsCode(fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (err) => isConfideError(err, code));
}

test('UUID file: created once (0600, directories 0700), read back; MarbleRun\'s binary form is read; junk is refused', async () => {
  const path = join(tmp, 'a', 'b', 'uuid');
  const first = await loadOrCreateUuid(path);
  assert.equal(first.created, true);
  assert.equal(readFileSync(path, 'utf8'), first.uuid);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(join(tmp, 'a', 'b')).mode & 0o777, 0o700);
  assert.deepEqual(await loadOrCreateUuid(path), { ...first, created: false });

  const upper = join(tmp, 'upper');
  writeFileSync(upper, '6F0C5E5E-1111-4222-8333-444455556666\n');
  assert.equal((await loadOrCreateUuid(upper)).uuid, '6f0c5e5e-1111-4222-8333-444455556666');
  const binary = join(tmp, 'binary');
  writeFileSync(binary, Buffer.from('6f0c5e5e111142228333444455556666', 'hex'));
  assert.equal((await loadOrCreateUuid(binary)).uuid, '6f0c5e5e-1111-4222-8333-444455556666');
  const junk = join(tmp, 'junk');
  writeFileSync(junk, 'not a uuid');
  await assert.rejects(loadOrCreateUuid(junk), (err) => isConfideError(err, 'ERR_INPUT_UNREADABLE'));
});

test('coordinator address: host:port, bare host (8443), [v6]:port, https URL; anything else ERR_USAGE', () => {
  assert.deepEqual(parseCoordinatorAddress('coordinator:2001'), { host: 'coordinator', port: 2001 });
  assert.deepEqual(parseCoordinatorAddress('coordinator'), { host: 'coordinator', port: 8443 });
  assert.deepEqual(parseCoordinatorAddress('[::1]:9000'), { host: '::1', port: 9000 });
  assert.deepEqual(parseCoordinatorAddress('https://c.example:4433/'), { host: 'c.example', port: 4433 });
  for (const bad of ['', 'http://c:1', 'https://c/api', 'c:0', 'c:70000', 'c:x', '::1:80']) throwsCode(() => parseCoordinatorAddress(bad), 'ERR_USAGE');
});

function answer(parameters: unknown, pems: Record<string, unknown> = ANSWER_PEMS): unknown {
  return { ...pems, parameters };
}

test('answer: files and env are base64-decoded, argv kept; missing parameters mean none', () => {
  const a = decodeActivation(answer({ files: { '/x/y': 'AAH/', rel: '' }, env: { A: Buffer.from('ä=1').toString('base64'), EMPTY: '' }, argv: ['p', 'q'] }));
  assert.deepEqual(a.files, [['/x/y', new Uint8Array([0, 1, 255])], ['rel', new Uint8Array(0)]]);
  assert.deepEqual(a.env, { A: 'ä=1', EMPTY: '' });
  assert.deepEqual(a.argv, ['p', 'q']);
  const none = decodeActivation({ ...ANSWER_PEMS });
  assert.deepEqual([none.files, none.env, none.argv], [[], {}, []]);
});

test('answer: anything outside the protocol is ERR_ACTIVATION_FAILED', () => {
  const b64 = (s: string | number[]): string => Buffer.from(typeof s === 'string' ? s : new Uint8Array(s)).toString('base64');
  const bad: unknown[] = [
    null,
    answer({ env: { A: b64([0xc3]) } }), // truncated UTF-8
    answer({ env: { A: b64('a\0b') } }),
    answer({ env: { 'A=B': b64('x') } }),
    answer({ env: { '': b64('x') } }),
    answer({ env: { A: 'a b' } }),
    answer({ env: { A: 5 } }),
    answer({ files: { '': b64('x') } }),
    answer({ files: { '/a\0b': b64('x') } }),
    answer({ files: { '/a': 'abc' } }),
    answer({ files: [] }),
    answer({ argv: 'p q' }),
    answer({ argv: ['p', 1] }),
    answer({ argv: ['p\0'] }),
    answer({}, { ...ANSWER_PEMS, privateKey: undefined }),
    answer({}, { ...ANSWER_PEMS, certificate: 'not pem' }),
  ];
  for (const data of bad) throwsCode(() => decodeActivation(data), 'ERR_ACTIVATION_FAILED');
});

test('program environment: the launcher\'s, then the activation\'s, which carries MarbleRun\'s predefined variables itself', () => {
  const activation = decodeActivation(answer({ env: { MARBLE_PREDEFINED_PRIVATE_KEY: Buffer.from('mine').toString('base64'), HOME: Buffer.from('/m').toString('base64') } }));
  const env = childEnv({ HOME: '/root', PATH: '/bin', UNSET: undefined, MARBLE_PREDEFINED_ROOT_CA: 'inherited' }, activation);
  // The launcher adds no certificate of its own: the coordinator root in the answer is not the Marble root MARBLE_PREDEFINED_ROOT_CA means.
  assert.deepEqual(env, { HOME: '/m', PATH: '/bin', MARBLE_PREDEFINED_ROOT_CA: 'inherited', MARBLE_PREDEFINED_PRIVATE_KEY: 'mine' });
});

test('TLS tags: an activation with MARBLE_TTLS_CONFIG is refused (ERR_TTLS_UNSUPPORTED) unless the program applies it', () => {
  const ttls = decodeActivation(answer({ env: { MARBLE_TTLS_CONFIG: Buffer.from('{"tls":{}}').toString('base64') } }));
  throwsCode(() => checkTtls(ttls, 'refuse'), 'ERR_TTLS_UNSUPPORTED');
  assert.doesNotThrow(() => checkTtls(ttls, 'program'));
  assert.doesNotThrow(() => checkTtls(ttls, 'proxy'));
  assert.doesNotThrow(() => checkTtls(decodeActivation(answer({})), 'refuse'));
});

test('exit codes of a signal death: 128 + n', () => {
  assert.deepEqual((['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGKILL'] as const).map(signalExitCode), [130, 143, 129, 138, 140, 137]);
});
