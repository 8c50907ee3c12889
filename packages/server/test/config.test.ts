import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfideError } from '@confide/core';
import { loadConfig, type Config } from '../src/index.js';
import type { ConfigKey } from '../src/config/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'confide-config-'));
function file(content: unknown): string {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const code = (c: string) => (err: unknown) => isConfideError(err) && err.code === c;

test('defaults apply when nothing is given', () => {
  const { config, origins } = loadConfig({});
  assert.equal(config.mode, 'dev');
  assert.equal(config.port, 8443);
  assert.deepEqual(config.host, ['localhost']);
  assert.equal(config.dataDir, './.confide');
  assert.equal(origins['port'], 'default');
});

test('precedence: defaults < file < environment < flags', () => {
  const f = file({ port: 1001, host: 'file-host', dataDir: '/from/file', logLevel: 'warn' });
  const env = { CONFIDE_PORT: '1002', CONFIDE_HOST: 'env-host' };
  const { config, origins } = loadConfig({ file: f, env, flags: { port: '1003' } });
  assert.equal(config.port, 1003);
  assert.equal(origins['port'], 'flag');
  assert.deepEqual(config.host, ['env-host']);
  assert.equal(origins['host'], 'env');
  assert.equal(config.dataDir, '/from/file');
  assert.equal(origins['dataDir'], 'file');
  assert.equal(config.logLevel, 'warn');
  assert.equal(config.bodyLimit, 1048576);
  assert.equal(origins['bodyLimit'], 'default');
});

test('host and tls.san take a string, a comma list, an array or a repeated flag', () => {
  assert.deepEqual(loadConfig({ file: file({ host: '127.0.0.1' }) }).config.host, ['127.0.0.1']);
  assert.deepEqual(loadConfig({ file: file({ host: ['127.0.0.1', '::1'], tls: { san: 'a.test, b.test' } }) }).config.host, ['127.0.0.1', '::1']);
  assert.deepEqual(loadConfig({ file: file({ tls: { san: ['a.test', 'b.test'] } }) }).config.tls.san, ['a.test', 'b.test']);
  assert.deepEqual(loadConfig({ env: { CONFIDE_HOST: '127.0.0.1, ::1', CONFIDE_TLS_SAN: 'a.test,10.0.0.1' } }).config, {
    ...loadConfig({ flags: { host: ['127.0.0.1', '::1'], 'tls.san': ['a.test', '10.0.0.1'] } }).config,
  });
  // A repeated flag arrives as an array; each use may itself be a comma list.
  assert.deepEqual(loadConfig({ flags: { host: ['127.0.0.1,::1', 'localhost'] } }).config.host, ['127.0.0.1', '::1', 'localhost']);
  assert.throws(() => loadConfig({ flags: { host: [' , '] } }), code('ERR_CONFIG_INVALID'));
  assert.throws(() => loadConfig({ file: file({ host: 5 }) }), code('ERR_CONFIG_INVALID'));
  assert.throws(() => loadConfig({ file: file({ host: ['127.0.0.1', 5] }) }), code('ERR_CONFIG_INVALID'));
});

test('nested keys come from nested objects in the file', () => {
  const { config } = loadConfig({ file: file({ tls: { cert: '/c.pem', key: '/k.pem' } }) });
  assert.deepEqual(config.tls, { cert: '/c.pem', key: '/k.pem', san: undefined });
});

test('a bad value names the key and its origin', () => {
  assert.throws(() => loadConfig({ env: { CONFIDE_PORT: 'eighty' } }), (err: unknown) => {
    assert.ok(isConfideError(err, 'ERR_CONFIG_INVALID'));
    assert.equal(err.details?.['key'], 'port');
    assert.match(err.message, /^port \(from CONFIDE_PORT\)/);
    return true;
  });
  assert.throws(() => loadConfig({ flags: { port: '70000' } }), code('ERR_CONFIG_INVALID'));
  assert.throws(() => loadConfig({ flags: { mode: 'prod' } }), code('ERR_CONFIG_INVALID'));
  assert.throws(() => loadConfig({ file: file({ bodyLimit: 'big' }) }), (err: unknown) => isConfideError(err, 'ERR_CONFIG_INVALID') && err.details?.['key'] === 'bodyLimit');
});

test('unknown file keys, unreadable files and broken JSON are refused', () => {
  assert.throws(() => loadConfig({ file: file({ prot: 1 }) }), (err: unknown) => isConfideError(err, 'ERR_CONFIG_INVALID') && err.details?.['key'] === 'prot');
  assert.throws(() => loadConfig({ file: file({ tls: { crt: 'x' } }) }), (err: unknown) => isConfideError(err, 'ERR_CONFIG_INVALID') && err.details?.['key'] === 'tls.crt');
  assert.throws(() => loadConfig({ file: join(dir, 'missing.json') }), code('ERR_CONFIG_FILE_UNREADABLE'));
  assert.throws(() => loadConfig({ file: file('{"port": ') }), code('ERR_CONFIG_FILE_UNREADABLE'));
  assert.throws(() => loadConfig({ file: file('[1]') }), code('ERR_CONFIG_FILE_UNREADABLE'));
});

test('production mode refuses the generated local CA, naming the setting', () => {
  assert.throws(() => loadConfig({ flags: { mode: 'production' } }), (err: unknown) => {
    assert.ok(isConfideError(err, 'ERR_PRODUCTION_REFUSED'));
    assert.deepEqual(err.details?.['keys'], ['tls.cert', 'tls.key', 'attestation.auth.staticToken', 'seal.keyFile']);
    assert.match(err.message, /tls\.cert/);
    return true;
  });
  const jwtOnly = { mode: 'production', 'tls.cert': '/c', 'tls.key': '/k', 'seal.keyFile': '/s', 'attestation.auth.jwksUrl': 'https://idp.test/keys' };
  // A JWKS without a required issuer and audience would accept any token its keys signed for any service.
  assert.throws(() => loadConfig({ flags: jwtOnly }), (err: unknown) => isConfideError(err, 'ERR_PRODUCTION_REFUSED') && JSON.stringify(err.details?.['keys']) === '["attestation.auth.issuer","attestation.auth.audience"]');
  const { config } = loadConfig({ flags: { ...jwtOnly, 'attestation.auth.issuer': 'https://idp.test', 'attestation.auth.audience': 'confide' } });
  assert.equal(config.mode, 'production');
});

test('docs: every production rule of the schema is stated, and only those (evidence.roots is refused, not required)', async () => {
  const { CONFIG_SCHEMA } = await import('../src/config/schema.js');
  const { renderConfigDocs } = await import('../src/docs/render-config.js');
  for (const key of CONFIG_SCHEMA as readonly ConfigKey[]) assert.equal(key.devOnly === undefined, key.production === undefined, key.key);
  const docs = renderConfigDocs();
  assert.match(docs, /^- `evidence\.roots`: refused/m);
  assert.doesNotMatch(docs, /evidence\.roots[^\n]*requires/);
});

/** How an error was refused: its code and the key its details name. */
function refusal(fn: () => unknown): { code: string; key: unknown; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(isConfideError(err));
    return { code: err.code, key: err.details?.['key'], message: err.message };
  }
  assert.fail('expected a refusal');
}

test('a config file with dotted names ("tls.cert", "seal.keyFile") is refused naming the nested form, never silently ignored', () => {
  const tls = refusal(() => loadConfig({ file: file({ 'tls.cert': '/c.pem', 'tls.key': '/k.pem' }) }));
  assert.deepEqual([tls.code, tls.key], ['ERR_CONFIG_INVALID', 'tls.cert']);
  assert.match(tls.message, /\{"tls": \{"cert": …\}\}/);
  const seal = refusal(() => loadConfig({ file: file({ 'seal.keyFile': '/seal.key' }) }));
  assert.deepEqual([seal.code, seal.key], ['ERR_CONFIG_INVALID', 'seal.keyFile']);
  const deep = refusal(() => loadConfig({ file: file({ attestation: { 'auth.issuer': 'x' } }) }));
  assert.equal(deep.key, 'attestation.auth.issuer');
  // The nested form is read.
  assert.equal(loadConfig({ file: file({ tls: { cert: '/c.pem', key: '/k.pem' }, seal: { keyFile: '/seal.key' } }) }).config.seal.keyFile, '/seal.key');
});

test('{"tls":"x"} is a type error naming tls, not an unknown key', () => {
  const r = refusal(() => loadConfig({ file: file({ tls: 'x' }) }));
  assert.deepEqual([r.code, r.key], ['ERR_CONFIG_INVALID', 'tls']);
  assert.match(r.message, /expected an object/);
  assert.equal(refusal(() => loadConfig({ file: file({ attestation: { auth: [] } }) })).key, 'attestation.auth');
  assert.match(refusal(() => loadConfig({ file: file({ tls: { cert: '/c', color: 'blue' } }) })).message, /unknown key in config file .*tls\.color/);
});

// Compile-time checks: the Config type is derived from the schema (this file does not build otherwise).
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const derived: [
  Equal<Config['mode'], 'dev' | 'production'>,
  Equal<Config['port'], number>,
  Equal<Config['tls']['cert'], string | undefined>,
  Equal<Config['collateral'], string[] | undefined>,
  Equal<Config['collateralOnline'], boolean>,
  Equal<Config['attestation']['auth']['staticToken'], string | undefined>,
  Equal<Config['attestation']['mode'], 'aad' | 'isolated'>,
] = [true, true, true, true, true, true, true];
void derived;
