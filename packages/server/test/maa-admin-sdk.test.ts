/** Interop: the official @azure/attestation AttestationAdministrationClient against the policy-management routes over HTTPS. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttestationAdministrationClient, createAttestationPolicyToken } from '@azure/attestation';
import type { FastifyInstance } from 'fastify';
import { openSqliteStore } from '@confide/store';
import { buildApp, composeAttestation } from '../src/index.js';
import { createSeal } from '../src/seal/index.js';
import { createTokenService } from '../src/services/attestation/tokens/index.js';
import { createBearerAuth } from '../src/plugins/bearer-auth.js';
import { ensureLocalCa } from '../src/tls/local-ca.js';
import type { PolicyManagementMode } from '../src/services/attestation/admin/index.js';
import { makeSigner, type TestSigner } from './maa-admin-helpers.js';

const POLICY = 'version=1.0; authorizationrules { => permit(); }; issuancerules { };';
const credential = { getToken: async () => ({ token: 'fake', expiresOnTimestamp: Date.now() + 3600_000 }) };

async function serve(mode: PolicyManagementMode, certificates: TestSigner[] = []): Promise<{ app: FastifyInstance; client: AttestationAdministrationClient }> {
  const dir = mkdtempSync(join(tmpdir(), 'confide-maa-admin-'));
  const ca = await ensureLocalCa(join(dir, 'tls'), '127.0.0.1');
  const store = openSqliteStore(':memory:');
  const app = await buildApp({
    store,
    bodyLimit: 1024 * 1024,
    https: { key: readFileSync(ca.keyPath), cert: readFileSync(ca.certPath) },
    attestation: await composeAttestation({
      store,
      tokens: await createTokenService({ store, seal: createSeal(randomBytes(32)), issuer: 'https://127.0.0.1' }),
      admin: { mode, auth: createBearerAuth({ mode: 'dev' }), initialCertificates: certificates.map((c) => c.pem) },
    }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const client = new AttestationAdministrationClient(`https://127.0.0.1:${port}`, credential, { tlsOptions: { ca: readFileSync(ca.caCertPath, 'utf8') } });
  return { app, client };
}

test('SDK, AAD mode: setPolicy, getPolicy and resetPolicy round-trip; policyTokenHash matches the token the SDK sent', async () => {
  const { app, client } = await serve('aad');
  try {
    const set = await client.setPolicy('SgxEnclave', POLICY);
    assert.equal(set.body.policyResolution, 'Updated');
    const sent = createAttestationPolicyToken(POLICY).serialize();
    assert.deepEqual(Buffer.from(set.body.policyTokenHash!), createHash('sha256').update(sent).digest());
    assert.equal((await client.getPolicy('SgxEnclave')).body, POLICY);
    const reset = await client.resetPolicy('SgxEnclave');
    assert.equal(reset.body.policyResolution, 'Removed');
    assert.notEqual((await client.getPolicy('SgxEnclave')).body, POLICY);
  } finally {
    await app.close();
  }
});

test('SDK, isolated mode: signed setPolicy, certificate add and list, and a refused unsigned setPolicy', async () => {
  const [alice, bob] = await Promise.all([makeSigner('sdk-alice'), makeSigner('sdk-bob', 'ES256')]);
  const { app, client } = await serve('isolated', [alice]);
  try {
    const aliceKey = alice.keyPem;
    const set = await client.setPolicy('OpenEnclave', POLICY, { privateKey: aliceKey, certificate: alice.pem });
    assert.equal(set.body.policyResolution, 'Updated');
    assert.equal(set.body.policySigner?.certificates[0]?.replace(/\s/g, ''), alice.pem.replace(/\s/g, ''));
    assert.equal((await client.getPolicy('OpenEnclave')).body, POLICY);
    await assert.rejects(client.setPolicy('OpenEnclave', 'version=1.0; authorizationrules { => deny(); };'), (e: { statusCode?: number; code?: string }) => e.statusCode === 400 && e.code === 'InvalidOperation');

    const added = await client.addPolicyManagementCertificate(bob.pem, aliceKey, alice.pem);
    assert.equal(added.body.certificateResolution, 'IsPresent');
    assert.equal(added.body.certificateThumbprint, bob.thumbprint);
    const listed = await client.getPolicyManagementCertificates();
    assert.equal(listed.body.length, 2);
    const bobSet = await client.setPolicy('SgxEnclave', POLICY, { privateKey: bob.keyPem, certificate: bob.pem });
    assert.equal(bobSet.body.policyResolution, 'Updated');
    const removed = await client.removePolicyManagementCertificate(bob.pem, aliceKey, alice.pem);
    assert.equal(removed.body.certificateResolution, 'IsAbsent');
    assert.equal((await client.getPolicyManagementCertificates()).body.length, 1);
  } finally {
    await app.close();
  }
});
