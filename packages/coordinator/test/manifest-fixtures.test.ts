import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConfideError } from '@confide/core';
import { assertValidManifest, checkManifest, fileBytes, manifestHash, parseManifest, readManifest } from '../src/manifest/index.js';
import { fixtureText, ids } from './manifest-helpers.js';

// Every published MarbleRun manifest we found is accepted; the warnings are the expected ones.
const ACCEPTED: Record<string, string[]> = {
  'marblerun-estore.json': ['package.debug@Packages.estore-package.Debug', 'package.id-not-hex@Packages.estore-package.UniqueID'],
  'marblerun-gramine-hello.json': ['package.debug@Packages.world.Debug', 'package.id-not-hex@Packages.world.UniqueID'],
  'marblerun-gramine-nginx.json': [
    'json.unknown-key@Secrets.ServerCert.Cert.Subject.DNSNames',
    'package.debug@Packages.nginx.Debug',
    'package.identity-incomplete@Packages.nginx.SignerID',
    'package.identity-incomplete@Packages.nginx.ProductID',
    'package.identity-incomplete@Packages.nginx.SecurityVersion',
  ],
  'marblerun-gramine-redis.json': ['package.debug@Packages.redis-package.Debug'],
  'marblerun-helloc++.json': ['package.debug@Packages.world.Debug', 'package.id-not-hex@Packages.world.UniqueID'],
  'marblerun-helloworld.json': ['package.id-not-hex@Packages.world.UniqueID'],
  'marblerun-occlum-hello.json': ['package.debug@Packages.world.Debug', 'package.id-not-hex@Packages.world.UniqueID'],
  'emojivoto.json': [
    'json.unknown-key@Clients',
    'json.unknown-key@Secrets.webCertShared.Cert.Subject.DNSNames',
    'package.debug@Packages.web.Debug',
    'package.debug@Packages.emoji-svc.Debug',
    'package.debug@Packages.voting-svc.Debug',
    'infrastructure.not-enforced@Infrastructures',
  ],
  'docs-define-manifest.json': ['package.debug@Packages.frontend.Debug', 'secret.unused@Secrets.secretAESKey'],
  'confide-full.json': [],
};

for (const [name, warnings] of Object.entries(ACCEPTED)) {
  test(`published manifest ${name} is accepted with the expected warnings`, () => {
    const { manifest, warnings: got } = assertValidManifest(fixtureText(name));
    assert.deepEqual(ids(got), warnings);
    assert.ok(Object.keys(manifest.Marbles).length > 0);
  });
}

test('the old MarbleRun sample manifest is refused with every error listed', () => {
  const r = checkManifest(fixtureText('marblerun-sample-manifest-old.json'));
  assert.deepEqual(ids(r.errors), [
    'template.reference-unknown@Marbles.backend_first.Parameters.Env.SEAL_KEY',
    'template.encoding-not-allowed@Marbles.backend_first.Parameters.Env.TEST_SECRET_SYMMETRIC_KEY',
    'template.reference-unknown@Marbles.backend_other.Parameters.Env.SEAL_KEY',
    'template.reference-unknown@Marbles.frontend.Parameters.Env.SEAL_KEY',
    'user.certificate-invalid@Users.Alice.Certificate',
    'user.certificate-invalid@Users.Bob.Certificate',
    'user.certificate-invalid@Users.Admin.Certificate',
    'role.write-not-user-defined@Roles.secrets-admin.ResourceNames[0]',
    'role.write-not-user-defined@Roles.secrets-admin.ResourceNames[1]',
    'role.write-not-user-defined@Roles.secrets-admin.ResourceNames[2]',
  ]);
  assert.deepEqual(ids(r.warnings), [
    'json.unknown-key@Marbles.backend_first.Roles',
    'json.unknown-key@Marbles.backend_other.Roles',
    'secret.unused@Secrets.symmetric_key_private',
  ]);
  assert.throws(() => assertValidManifest(fixtureText('marblerun-sample-manifest-old.json')), (err: unknown) => {
    assert.ok(isConfideError(err, 'ERR_MANIFEST_INVALID'));
    assert.deepEqual(ids(err.details?.violations as never), ids(r.errors));
    return true;
  });
});

test('the docs example is read into the typed manifest with defaults filled in', () => {
  const m = parseManifest(fixtureText('docs-define-manifest.json'));
  assert.equal(m.Packages.frontend?.SecurityVersion, 3);
  assert.equal(m.Packages.backend?.ProductID, undefined);
  const file = m.Marbles.backendFirst?.Parameters.Files['/tmp/pqr.ust'];
  assert.deepEqual(file, { Data: 'Zm9vCmJhcg==', Encoding: 'base64', NoTemplates: true });
  assert.equal(new TextDecoder().decode(fileBytes(file!)), 'foo\nbar');
  assert.deepEqual(m.Marbles.backendFirst?.Parameters.Files['/tmp/defg.txt'], { Data: 'foo', Encoding: 'string', NoTemplates: false });
  assert.equal(m.Marbles.frontend?.MaxActivations, 0);
  assert.deepEqual(m.Marbles.frontend?.Parameters.Argv, []);
  assert.deepEqual(m.Secrets.rsaCert, { Type: 'cert-rsa', Size: 2048, Shared: false, UserDefined: false, ValidFor: 7, Cert: { Subject: { CommonName: 'MarbleRun Unit Test' } } });
  assert.deepEqual(m.Roles.updateManifest, { ResourceType: 'Manifest', ResourceNames: [], Actions: ['UpdateManifest'] });
  assert.deepEqual(m.TLS.frontendTLS1?.Incoming[1], { Port: '8080', Addr: '', Cert: 'rsaCert', DisableClientAuth: true });
  assert.deepEqual(m.Config, { SealMode: '', FeatureGates: [], UpdateThreshold: 0, RecoveryThreshold: 0, RotateRootSecret: false });
  assert.equal(Object.getPrototypeOf(m.Packages), null);
});

test('manifestHash is SHA-256 over the exact bytes, whitespace included', () => {
  assert.equal(manifestHash('{}'), '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  assert.equal(manifestHash(new TextEncoder().encode('{}')), manifestHash('{}'));
  assert.notEqual(manifestHash('{ }'), manifestHash('{}'));
});

test('JSON that does not parse, or is not an object, is one error at the root', () => {
  assert.deepEqual(ids(checkManifest('{"Packages": ').errors), ['json.syntax@']);
  assert.deepEqual(ids(checkManifest('[1]').errors), ['json.not-object@']);
  assert.throws(() => parseManifest('nope'), (err: unknown) => isConfideError(err, 'ERR_MANIFEST_INVALID'));
});

test('keys match case-insensitively as in Go, with a warning; repeated keys warn', () => {
  const r = readManifest('{"packages": {"p": {"debug": true, "Debug": false}}, "Marbles": {}, "Marbles": {"m": {"Package": "p"}}}');
  assert.deepEqual(ids(r.errors), []);
  assert.deepEqual(ids(r.warnings), ['json.duplicate-key@Marbles', 'json.key-case@packages', 'json.key-case@Packages.p.debug']);
  assert.equal(r.manifest.Packages.p?.Debug, false);
  assert.equal(r.manifest.Marbles.m?.Package, 'p');
});

test('every type error is listed, and the rest of the manifest is still checked', () => {
  const r = checkManifest({
    Packages: { p: { Debug: 'yes', ProductID: -1, SecurityVersion: 1.5, SignerID: 7 } },
    Marbles: { m: { Package: 'p', MaxActivations: '2', TLS: 'tag', Parameters: { Env: { A: 3, B: { Data: 'zz', Encoding: 'hex' }, C: { Data: 'x', Encoding: 'rot13' } } } } },
    Roles: { r: { ResourceType: 'Manifest', ResourceNames: '', Actions: ['UpdateManifest'] } },
    Secrets: { s: { Type: 'cert-ecdsa', Size: 256, Shared: true, Cert: { NotAfter: 'tomorrow', IPAddresses: ['10.0.0.1', 'ten'] } } },
    Config: { RecoveryThreshold: 2 },
  });
  assert.deepEqual(ids(r.errors), [
    'type.mismatch@Packages.p.Debug',
    'type.mismatch@Packages.p.SignerID',
    'type.out-of-range@Packages.p.ProductID',
    'type.out-of-range@Packages.p.SecurityVersion',
    'type.mismatch@Marbles.m.MaxActivations',
    'type.mismatch@Marbles.m.TLS',
    'type.mismatch@Marbles.m.Parameters.Env.A',
    'file.data-invalid@Marbles.m.Parameters.Env.B.Data',
    'file.encoding-unknown@Marbles.m.Parameters.Env.C.Encoding',
    'secret.not-after-invalid@Secrets.s.Cert.NotAfter',
    'secret.ip-invalid@Secrets.s.Cert.IPAddresses[1]',
    'type.mismatch@Roles.r.ResourceNames',
    'package.identity-incomplete@Packages.p.SignerID',
    'package.identity-incomplete@Packages.p.ProductID',
    'package.identity-incomplete@Packages.p.SecurityVersion',
    'config.recovery-threshold@Config.RecoveryThreshold',
  ]);
});
