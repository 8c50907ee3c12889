import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { isConfideError, pemEncode, toBase64 } from '@confide/core';
import type { Secret } from '../src/manifest/types.js';
import { createCoordinatorPki, generateMarbleKeyPair, issueMarbleCertificate, type CoordinatorPki } from '../src/pki/index.js';
import { acceptUserSecret, generateSecrets, type SecretMap, type SecretValue } from '../src/secrets/index.js';
import { dryRunTemplates, renderParameters, templateContext, type FileInput, type TemplateContext } from '../src/templates/index.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const UUID = '6f0c5e5e-1b2c-4d3e-8f90-a1b2c3d4e5f6';
const def = (d: Partial<Secret> & Pick<Secret, 'Type'>): Secret => ({ Size: 0, Shared: true, UserDefined: false, ValidFor: 0, ...d });
const text = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('latin1');
const failsWith = (c: string, path?: string, line?: number) => (err: unknown) => {
  if (!isConfideError(err) || err.code !== c) return false;
  if (path !== undefined && err.details?.path !== path) return false;
  if (line !== undefined && err.details?.line !== line) return false;
  return true;
};

const DEFS: Record<string, Secret> = {
  sym: def({ Type: 'symmetric-key', Size: 128 }),
  ec: def({ Type: 'cert-ecdsa', Size: 256 }),
  rsa: def({ Type: 'cert-rsa' }),
  ed: def({ Type: 'cert-ed25519' }),
  plain: def({ Type: 'plain', UserDefined: true }),
  'with-dash': def({ Type: 'symmetric-key', Size: 64 }),
  unset: def({ Type: 'plain', UserDefined: true }),
  userKey: def({ Type: 'symmetric-key', Size: 64, UserDefined: true }),
};

interface Fixture {
  pki: CoordinatorPki;
  secrets: SecretMap;
  context: TemplateContext;
  marble: { cert: Uint8Array; certPem: string; spki: Uint8Array; pkcs8: Uint8Array };
}

let fixture: Promise<Fixture> | undefined;
function setup(): Promise<Fixture> {
  fixture ??= (async () => {
    const pki = await createCoordinatorPki(NOW);
    const secrets = await generateSecrets(DEFS, pki, { now: NOW });
    secrets.sym = { Type: 'symmetric-key', Public: new Uint8Array([0x00, 0x7f, 0x80, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), Private: new Uint8Array([0x00, 0x7f, 0x80, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) };
    secrets.plain = acceptUserSecret('plain', DEFS.plain!, { Data: 'p@ss wörd' });
    secrets.userKey = acceptUserSecret('userKey', DEFS.userKey!, { Key: toBase64(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])) });
    const keys = await generateMarbleKeyPair();
    const issued = await issueMarbleCertificate(pki, { uuid: UUID, publicKey: keys.publicKey, now: NOW });
    const context = templateContext(pki, { cert: issued.cert, publicKeySpki: keys.publicKeySpki, privateKeyPkcs8: keys.privateKeyPkcs8 }, secrets);
    return { pki, secrets, context, marble: { cert: issued.cert, certPem: issued.certPem, spki: keys.publicKeySpki, pkcs8: keys.privateKeyPkcs8 } };
  })();
  return fixture;
}

function file(data: FileInput, context: TemplateContext): string {
  return text(renderParameters({ Files: { '/f': data } }, context).files['/f']);
}
function env(data: FileInput, context: TemplateContext): string {
  return text(renderParameters({ Env: { E: data } }, context).env.E);
}

/** PEM of `der` as node writes it, an independent check of the PEM framing. */
function nodePem(kind: 'cert' | 'public' | 'private', der: Uint8Array): string {
  if (kind === 'cert') return new X509Certificate(Buffer.from(der)).toString();
  if (kind === 'public') return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
  return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

test('every encoding x selector x secret type renders as MarbleRun does, or fails with the right code', async () => {
  const { context, secrets } = await setup();
  const selectors = ['', '.Cert', '.Public', '.Private'] as const;
  const encodings = ['pem', 'hex', 'base64', 'raw', 'string'] as const;
  let checked = 0;
  for (const name of ['sym', 'ec', 'rsa', 'ed', 'plain']) {
    const s = secrets[name]!;
    for (const sel of selectors) {
      const part: Uint8Array | undefined = sel === '' ? s.Public : sel === '.Cert' ? s.Cert : sel === '.Public' ? s.Public : s.Private;
      for (const enc of encodings) {
        const tpl = `{{ ${enc} .Secrets.${name}${sel} }}`;
        const render = () => (enc === 'string' ? env(tpl, context) : file(tpl, context));
        const label = `${tpl} on ${s.Type}`;
        checked++;
        if (enc === 'string') {
          if (sel === '' && s.Type === 'plain') assert.equal(render(), text(part), label);
          else assert.throws(render, failsWith('ERR_MANIFEST_INVALID'), label);
          continue;
        }
        if (enc === 'pem' && sel === '') {
          assert.throws(render, failsWith('ERR_MANIFEST_INVALID'), label);
          continue;
        }
        if (!part) {
          assert.throws(render, failsWith('ERR_SECRET_INVALID'), label); // e.g. .Cert of a symmetric key
          continue;
        }
        const expected =
          enc === 'hex' ? Buffer.from(part).toString('hex')
          : enc === 'base64' ? Buffer.from(part).toString('base64')
          : enc === 'raw' ? text(part)
          : s.Type.startsWith('cert-') ? nodePem(sel === '.Cert' ? 'cert' : sel === '.Public' ? 'public' : 'private', part)
          : pemEncode(sel === '.Private' ? 'PRIVATE KEY' : 'PUBLIC KEY', part);
        assert.equal(render(), expected, label);
      }
    }
  }
  assert.equal(checked, 100);
});

test('.MarbleRun values: Marble root, marble certificate and key, coordinator root and intermediate', async () => {
  const { context, pki, marble } = await setup();
  assert.equal(file('{{ pem .MarbleRun.RootCA.Cert }}', context), pki.marbleRootCert);
  assert.equal(file('{{ pem .MarbleRun.CoordinatorRoot.Cert }}', context), pki.rootCert);
  assert.equal(file('{{ pem .MarbleRun.CoordinatorIntermediate.Cert }}', context), pki.intermediateCert);
  assert.equal(file('{{ pem .MarbleRun.MarbleCert.Cert }}', context), marble.certPem);
  assert.equal(file('{{ pem .MarbleRun.MarbleCert.Private }}', context), nodePem('private', marble.pkcs8));
  assert.equal(file('{{ pem .MarbleRun.MarbleCert.Public }}', context), nodePem('public', marble.spki));
  assert.equal(env('{{ hex .MarbleRun.MarbleCert }}', context), Buffer.from(marble.spki).toString('hex'));
  assert.equal(file('{{ raw .MarbleRun.RootCA.Cert.Raw }}', context), text(new X509Certificate(pki.marbleRootCert).raw));
  assert.throws(() => file('{{ pem .MarbleRun.RootCA.Public }}', context), failsWith('ERR_SECRET_INVALID'));
  assert.throws(() => file('{{ pem .MarbleRun.Nope.Cert }}', context), failsWith('ERR_MANIFEST_INVALID'));
  assert.throws(() => env('{{ string .MarbleRun.RootCA }}', context), failsWith('ERR_MANIFEST_INVALID'));
});

test('.Previous.Secrets reads the previous values, and the current ones when there are none', async () => {
  const { context, secrets } = await setup();
  const old: SecretValue = { Type: 'symmetric-key', Public: new Uint8Array(16).fill(7), Private: new Uint8Array(16).fill(7) };
  const withPrevious: TemplateContext = { ...context, previous: { ...secrets, sym: old } };
  assert.equal(env('{{ hex .Previous.Secrets.sym }}', withPrevious), '07'.repeat(16));
  assert.equal(env('{{ hex .Secrets.sym }}', withPrevious), Buffer.from(secrets.sym!.Public!).toString('hex'));
  assert.equal(env('{{ hex .Previous.Secrets.sym }}', context), Buffer.from(secrets.sym!.Public!).toString('hex'));
  assert.equal(file('{{ pem .Previous.Secrets.ec.Cert }}', context), nodePem('cert', secrets.ec!.Cert!));
  assert.throws(() => env('{{ hex .Previous.Secrets.gone }}', withPrevious), failsWith('ERR_MANIFEST_INVALID'));
});

test('Go template syntax: text around actions, trim markers, comments, pipes, literals, index and parentheses', async () => {
  const { context, secrets } = await setup();
  const hexSym = Buffer.from(secrets.sym!.Public!).toString('hex');
  assert.equal(env('KEY={{hex .Secrets.sym}};', context), `KEY=${hexSym};`);
  assert.equal(env('a \n {{- hex .Secrets.sym -}} \n b', context), `a${hexSym}b`);
  assert.equal(env('a {{- /* note */ -}} b {{/* x */}}c', context), 'ab c');
  assert.equal(env('{{ .Secrets.sym | hex }}', context), hexSym);
  assert.equal(env('{{ "{{ not a template }}" }} {{ `raw\\n` }} {{ "\\x41\\u00e9" }}', context), '{{ not a template }} raw\\n A\u00c3\u00a9');
  assert.equal(env('{{ hex (index .Secrets "with-dash") }}', context), Buffer.from(secrets['with-dash']!.Public!).toString('hex'));
  assert.equal(file('{{ pem (index .Secrets "ec").Cert }}', context), nodePem('cert', secrets.ec!.Cert!));
  assert.equal(env('{{hex\n.Secrets.sym\n}}', context), hexSym); // newlines inside actions, as Go 1.16+
  assert.equal(file('{{ raw .Secrets.sym }}', context), text(secrets.sym!.Public)); // bytes >= 0x80 stay bytes
});

test('template errors are ERR_MANIFEST_INVALID with the entry path and line', async () => {
  const { context } = await setup();
  const bad = [
    '{{ hex .Secrets.sym', // unclosed action
    '{{ if .Secrets.sym }}x', // if without end
    '{{ define "x" }}{{ end }}', // one template per entry
    '{{ $x }}', // undefined variable
    '{{ hex 12 }}',
    '{{ .Secrets.sym }}', // a secret printed without encoding
    '{{ hex }}',
    '{{ hex .Secrets.sym .Secrets.sym }}',
    '{{ hex .Secrets.sym.Foo }}',
    '{{ hex .Nope }}',
    '{{ hex (hex .Secrets.sym) }}',
    '{{ "a" .Secrets.sym }}',
    '{{ hex .Secrets.nope }}', // unknown secret
    '{{ hex (index .Secrets "nope") }}',
    '{{ nosuch .Secrets.sym }}',
    '{{/* unclosed }}',
    '{{ }}',
    '{{ hex .Secrets.sym ) }}',
    '{{ hex.Secrets.sym }}', // Go chains .Secrets onto hex
    '{{ "a".X }}',
    '{{ hex(index .Secrets "sym") }}', // Go needs a space before the parenthesis
    '{{ hex .Secrets.sym"x" }}',
  ];
  for (const tpl of bad) {
    assert.throws(() => renderParameters({ Env: { E: tpl } }, context, { marbleName: 'web' }), failsWith('ERR_MANIFEST_INVALID', 'Marbles.web.Parameters.Env.E'), tpl);
  }
  assert.throws(() => renderParameters({ Files: { '/etc/x': 'ok\n\n{{ hex .Secrets.nope }}' } }, context), failsWith('ERR_MANIFEST_INVALID', 'Parameters.Files./etc/x', 3));
});

test('raw is refused in Env and string in Files', async () => {
  const { context } = await setup();
  assert.throws(() => renderParameters({ Env: { E: '{{ raw .Secrets.sym }}' } }, context, { marbleName: 'm' }), failsWith('ERR_MANIFEST_INVALID', 'Marbles.m.Parameters.Env.E', 1));
  assert.throws(() => renderParameters({ Files: { '/f': '{{ string .Secrets.plain }}' } }, context, { marbleName: 'm' }), failsWith('ERR_MANIFEST_INVALID', 'Marbles.m.Parameters.Files./f', 1));
});

test('string only takes a plain secret; NUL bytes never reach an environment variable', async () => {
  const { context, secrets } = await setup();
  assert.equal(env('PW={{ string .Secrets.plain }}', context), 'PW=' + text(secrets.plain!.Public));
  assert.throws(() => env('{{ string .Secrets.sym }}', context), failsWith('ERR_MANIFEST_INVALID')); // generated
  assert.throws(() => env('{{ string .Secrets.userKey }}', context), failsWith('ERR_MANIFEST_INVALID')); // user-defined, not plain
  const nul: TemplateContext = { ...context, secrets: { ...context.secrets, plain: { Type: 'plain', Public: new Uint8Array([0x61, 0, 0x62]), Private: new Uint8Array([0x61, 0, 0x62]) } } };
  assert.throws(() => env('{{ string .Secrets.plain }}', nul), failsWith('ERR_SECRET_INVALID', 'Parameters.Env.E'));
  assert.equal(text(renderParameters({ Files: { '/f': '{{ raw .Secrets.plain }}' } }, nul).files['/f']), 'a\0b'); // files may hold NUL
  assert.throws(() => env({ Data: '610062', Encoding: 'hex' }, context), failsWith('ERR_MANIFEST_INVALID', 'Parameters.Env.E'));
  assert.throws(() => env({ Data: '610062', Encoding: 'hex', NoTemplates: true }, context), failsWith('ERR_MANIFEST_INVALID'));
});

test('a user-defined secret that was not uploaded fails activation with ERR_SECRET_INVALID', async () => {
  const { context } = await setup();
  assert.deepEqual(context.secrets.unset, { Type: 'plain' });
  assert.throws(() => renderParameters({ Env: { E: '{{ string .Secrets.unset }}' } }, context, { marbleName: 'm' }), failsWith('ERR_SECRET_INVALID', 'Marbles.m.Parameters.Env.E'));
  assert.throws(() => env('{{ hex .Secrets.unset }}', context), failsWith('ERR_SECRET_INVALID'));
});

test('Encoding decodes Data before templating; NoTemplates leaves the decoded data as is; Argv is never templated', async () => {
  const { context, secrets } = await setup();
  const hexSym = Buffer.from(secrets.sym!.Public!).toString('hex');
  const tpl = 'key = "{{ hex .Secrets.sym }}"\n';
  assert.equal(file({ Data: Buffer.from(tpl).toString('base64'), Encoding: 'base64' }, context), `key = "${hexSym}"\n`);
  assert.equal(file({ Data: Buffer.from(tpl).toString('hex'), Encoding: 'hex' }, context), `key = "${hexSym}"\n`);
  assert.equal(file({ Data: Buffer.from(tpl).toString('base64'), Encoding: 'BASE64' as 'base64' }, context), `key = "${hexSym}"\n`);
  assert.equal(file({ Data: tpl, NoTemplates: true }, context), tpl);
  assert.equal(file({ Data: Buffer.from(tpl).toString('base64'), Encoding: 'base64', NoTemplates: true }, context), tpl);
  const binary = new Uint8Array([0xff, 0x00, 0x7b, 0x7b, 0x80, 0x7d, 0x7d]); // "{{" "}}" around a byte that is not UTF-8
  assert.equal(file({ Data: Buffer.from(binary).toString('base64'), Encoding: 'base64', NoTemplates: true }, context), text(binary));
  const mixed = Buffer.concat([Buffer.from([0xfe, 0x0a]), Buffer.from('{{ hex .Secrets.sym }}'), Buffer.from([0xc0])]);
  assert.equal(file({ Data: mixed.toString('hex'), Encoding: 'hex' }, context), '\xfe\n' + hexSym + '\xc0');
  assert.throws(() => file({ Data: 'not base64!', Encoding: 'base64' }, context), failsWith('ERR_MANIFEST_INVALID', 'Parameters.Files./f'));
  assert.throws(() => file({ Data: 'abc', Encoding: 'hex' }, context), failsWith('ERR_MANIFEST_INVALID'));
  assert.throws(() => file({ Data: 'x', Encoding: 'rot13' as 'hex' }, context), failsWith('ERR_MANIFEST_INVALID'));
  const out = renderParameters({ Argv: ['/bin/app', '{{ hex .Secrets.sym }}'], Files: {}, Env: { A: 'plain' } }, context);
  assert.deepEqual(out.argv, ['/bin/app', '{{ hex .Secrets.sym }}']);
  assert.deepEqual(Object.keys(out.files), []);
  assert.equal(text(out.env.A), 'plain');
});

const MARBLES = {
  web: {
    Parameters: {
      Env: {
        SESSION_KEY_HEX: '{{ hex .Secrets.webSessionKey }}',
        MARBLE_CA: '{{ pem .MarbleRun.RootCA.Cert }}',
        DB_PASSWORD: { Data: '{{ string .Secrets.dbPassword }}', Encoding: 'string' as const, NoTemplates: false },
      },
      Files: {
        '/run/tls.key': '{{ pem .MarbleRun.MarbleCert.Private }}',
        '/run/db.key': '{{ raw .Secrets.dbEncryptionKey }}',
        '/etc/app.toml': { Data: 'W2xvZ10KbGV2ZWwgPSAie3sgfX0iCg==', Encoding: 'base64' as const, NoTemplates: true },
        '/run/signing.pem': '{{ pem .Secrets.jobSigningCert.Private }}{{ pem .Previous.Secrets.jobSigningCert.Cert }}',
        '/run/upload.crt': '{{ pem .Secrets.uploadedCert.Private }}',
      },
      Argv: ['web', '{{ not templated }}'],
    },
  },
};
const MANIFEST_SECRETS: Record<string, Secret> = {
  webSessionKey: def({ Type: 'symmetric-key', Size: 128, Shared: false }),
  dbEncryptionKey: def({ Type: 'symmetric-key', Size: 256 }),
  dbPassword: def({ Type: 'plain', UserDefined: true }),
  jobSigningCert: def({ Type: 'cert-ed25519' }),
  uploadedCert: def({ Type: 'cert-rsa', UserDefined: true }),
};

test('the dry run accepts a manifest whose templates can all render', () => {
  dryRunTemplates({ Marbles: MARBLES, Secrets: MANIFEST_SECRETS });
  dryRunTemplates({ Marbles: { empty: {} } });
});

test('the dry run refuses each bad template with ERR_MANIFEST_INVALID and the first path in name order', () => {
  const cases: [Record<string, FileInput>, Record<string, FileInput>, string][] = [
    [{}, { X: '{{ raw .Secrets.dbEncryptionKey }}' }, 'Env.X'],
    [{ '/f': '{{ string .Secrets.dbPassword }}' }, {}, 'Files./f'],
    [{}, { X: '{{ string .Secrets.dbEncryptionKey }}' }, 'Env.X'],
    [{}, { X: '{{ hex .Secrets.missing }}' }, 'Env.X'],
    [{}, { X: '{{ pem .Secrets.dbEncryptionKey.Cert }}' }, 'Env.X'], // a symmetric key has no Cert
    [{}, { X: '{{ pem .Secrets.jobSigningCert }}' }, 'Env.X'],
    [{}, { X: '{{ pem .MarbleRun.RootCA.Private }}' }, 'Env.X'],
    [{}, { X: { Data: '6100', Encoding: 'hex', NoTemplates: true } }, 'Env.X'],
    [{ '/a': '{{ hex .Secrets.missing }}', '/b': '{{ bad' }, {}, 'Files./a'],
    [{ '/ok': 'fine' }, { A: '{{ hex .Secrets.missing }}', B: '{{' }, 'Env.A'],
  ];
  for (const [Files, Env, path] of cases) {
    const manifest = { Marbles: { zeta: { Parameters: { Env: { Z: '{{ bad' } } }, alpha: { Parameters: { Files, Env } } }, Secrets: MANIFEST_SECRETS };
    assert.throws(() => dryRunTemplates(manifest), failsWith('ERR_MANIFEST_INVALID', `Marbles.alpha.Parameters.${path}`), path);
  }
});

test('a rendered marble gets the secrets the manifest names', async () => {
  const pki = await createCoordinatorPki(NOW);
  const shared = await generateSecrets(MANIFEST_SECRETS, pki, { now: NOW });
  const own = await generateSecrets(MANIFEST_SECRETS, pki, { now: NOW, marble: { uuid: UUID, name: 'web' } });
  shared.dbPassword = acceptUserSecret('dbPassword', MANIFEST_SECRETS.dbPassword!, { Data: 'secret' });
  const keys = await generateMarbleKeyPair();
  const issued = await issueMarbleCertificate(pki, { uuid: UUID, publicKey: keys.publicKey, now: NOW });
  const context = templateContext(pki, { cert: issued.cert, publicKeySpki: keys.publicKeySpki, privateKeyPkcs8: keys.privateKeyPkcs8 }, { ...shared, ...own });
  const { Files, ...rest } = MARBLES.web.Parameters;
  const { '/run/upload.crt': _unset, ...files } = Files;
  const out = renderParameters({ ...rest, Files: files }, context, { marbleName: 'web' });
  assert.equal(text(out.env.SESSION_KEY_HEX), Buffer.from(own.webSessionKey!.Public!).toString('hex'));
  assert.equal(text(out.env.MARBLE_CA), pki.marbleRootCert);
  assert.equal(text(out.env.DB_PASSWORD), 'secret');
  assert.deepEqual(out.files['/run/db.key'], shared.dbEncryptionKey!.Private);
  assert.equal(text(out.files['/etc/app.toml']), '[log]\nlevel = "{{ }}"\n');
  assert.equal(text(out.files['/run/tls.key']), pemEncode('PRIVATE KEY', keys.privateKeyPkcs8));
  assert.equal(text(out.files['/run/signing.pem']), pemEncode('PRIVATE KEY', shared.jobSigningCert!.Private!) + pemEncode('CERTIFICATE', shared.jobSigningCert!.Cert!));
  assert.deepEqual(out.argv, ['web', '{{ not templated }}']);
  assert.throws(() => renderParameters(MARBLES.web.Parameters, context, { marbleName: 'web' }), failsWith('ERR_SECRET_INVALID', 'Marbles.web.Parameters.Files./run/upload.crt'));
});
