/**
 * The variables every activation's environment gets, as edgelesssys/marblerun
 * coordinator/core/marbleapi.go sets them (customizeParameters, setTTLSConfig): the Marble root
 * (not the coordinator root) as MARBLE_PREDEFINED_ROOT_CA, over a manifest entry of that name, and
 * MARBLE_TTLS_CONFIG byte for byte as Go's json.Marshal writes the map (keys sorted), for the
 * JSON route and the gRPC route alike (both call CoordinatorService.activate).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, randomUUID, X509Certificate } from 'node:crypto';
import { fromUtf8, utf8 } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore } from '@confide/store';
import { testIdentity } from '@confide/test-kit/identity';
import { CoordinatorService, createMemorySealProvider, createMockValidator, type ActivationResult } from '../src/index.js';

const UNIQUE_ID = '11'.repeat(32);
const MANIFEST = {
  Packages: { pkg: { UniqueID: UNIQUE_ID, Debug: false } },
  Marbles: {
    web: { Package: 'pkg', TLS: ['web', 'db'], Parameters: { Env: { MARBLE_PREDEFINED_ROOT_CA: 'manifest value', MARBLE_TTLS_CONFIG: 'manifest value' } } },
    plain: { Package: 'pkg' },
    // MarbleRun's TestActivateWithTTLSforMarbleWithoutEnvVars: a TLS tag on a marble without Env.
    bare: { Package: 'pkg', TLS: ['bare'] },
  },
  Secrets: { public_cert: { Type: 'cert-ecdsa', Size: 256, Cert: { Subject: { CommonName: 'web.example' } } } },
  TLS: {
    web: { Incoming: [{ Port: '8443', Cert: 'public_cert', DisableClientAuth: true }, { Port: '8080' }], Outgoing: [{ Addr: 'db', Port: '5432' }] },
    db: { Outgoing: [{ Addr: 'cache', Port: '6379' }] },
    bare: { Incoming: [{ Port: '2000' }] },
  },
};

const store = openSqliteStore(':memory:');
const coordinator = await CoordinatorService.start({ store, seal: createMemorySealProvider(new Uint8Array(32).fill(4)), evidence: { collateral: emptyCollateral }, validator: createMockValidator(() => ({ tee: 'sgx', measurement: UNIQUE_ID })) });
await coordinator.setManifest(utf8(JSON.stringify(MANIFEST)));
const marble = await testIdentity('marble');

function activate(marbleType: string): Promise<ActivationResult> {
  return coordinator.activate({ marbleType, uuid: randomUUID(), evidence: new Uint8Array(1), clientCertificate: marble.der });
}

const env = (out: ActivationResult, name: string): string | undefined => (out.parameters.env[name] ? fromUtf8(out.parameters.env[name]!) : undefined);
const leafPem = (chain: string): string => chain.slice(0, chain.indexOf('-----END CERTIFICATE-----\n') + 26);

test('MARBLE_PREDEFINED_ROOT_CA is the Marble root, the chain is leaf + intermediate, the key is the leaf\'s', async () => {
  const out = await activate('plain');
  assert.equal(env(out, 'MARBLE_PREDEFINED_ROOT_CA'), out.marbleRootCertificate);
  assert.notEqual(out.marbleRootCertificate, out.rootCertificate);
  assert.equal(env(out, 'MARBLE_PREDEFINED_COORDINATOR_ROOT_CA'), out.rootCertificate);
  assert.equal(env(out, 'MARBLE_PREDEFINED_MARBLE_CERTIFICATE_CHAIN'), out.certificate);
  assert.equal(env(out, 'MARBLE_PREDEFINED_PRIVATE_KEY'), out.privateKey);
  assert.ok(new X509Certificate(leafPem(out.certificate)).verify(new X509Certificate(out.marbleRootCertificate).publicKey));
  assert.equal(env(out, 'MARBLE_TTLS_CONFIG'), undefined);
});

test('MARBLE_TTLS_CONFIG: Go\'s json.Marshal of the TLS tags, sorted keys; the Incoming Cert secret serves with clientAuth off', async () => {
  const out = await activate('web');
  const root = out.marbleRootCertificate;
  const cert = leafPem(out.certificate);
  const key = out.privateKey;
  const config = env(out, 'MARBLE_TTLS_CONFIG')!;
  const parsed = JSON.parse(config) as { tls: { Incoming: Record<string, Record<string, unknown>>; Outgoing: Record<string, Record<string, unknown>> } };
  const served = parsed.tls.Incoming['*:8443']!;
  assert.equal(new X509Certificate(served['clicrt'] as string).subject, 'CN=web.example');
  const expected =
    '{"tls":{"Incoming":{' +
    `"*:8080":${JSON.stringify({ cacrt: root, clicrt: cert, clientAuth: true, clikey: key })},` +
    `"*:8443":${JSON.stringify({ cacrt: root, clicrt: served['clicrt'], clientAuth: false, clikey: served['clikey'] })}` +
    '},"Outgoing":{' +
    `"cache:6379":${JSON.stringify({ cacrt: root, clicrt: cert, clikey: key })},` +
    `"db:5432":${JSON.stringify({ cacrt: root, clicrt: cert, clikey: key })}` +
    '}}}';
  assert.equal(config, expected);
  // The secret's key belongs to its certificate.
  assert.ok(createPublicKey(createPrivateKey(served['clikey'] as string)).equals(new X509Certificate(served['clicrt'] as string).publicKey));
  // MarbleRun's own variables win over the manifest's entries of the same name.
  assert.equal(env(out, 'MARBLE_PREDEFINED_ROOT_CA'), root);
});

test('a TLS tag on a marble without Env still gets MARBLE_TTLS_CONFIG (MarbleRun TestActivateWithTTLSforMarbleWithoutEnvVars)', async () => {
  const out = await activate('bare');
  assert.ok(env(out, 'MARBLE_TTLS_CONFIG')!.startsWith('{"tls":{"Incoming":{"*:2000":{"cacrt":"-----BEGIN CERTIFICATE-----'));
  assert.ok(env(out, 'MARBLE_TTLS_CONFIG')!.endsWith('},"Outgoing":{}}}'));
});
