/** Test fixtures for the coordinator routes: users, recovery keys, marble identities, a manifest, an app. */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { createMemorySealProvider, type SealProvider } from '@confide/coordinator';
import { fromBase64, toBase64 } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore, type Store } from '@confide/store';
import { testIdentity, type TestIdentity } from '@confide/test-kit/identity';
import { buildApp } from '../src/app.js';
import { startServerCoordinator } from '../src/services/coordinator/index.js';
import { loadSimulationKey, simulateQuote, type SimulationKey } from '../src/sim/index.js';

export type Identity = TestIdentity;

/** A self-signed P-256 certificate (a user's, or a marble's activation certificate). */
export const selfSigned = (cn: string): Promise<Identity> => testIdentity(cn);

export interface RecoveryKey {
  publicPem: string;
  privatePem: string;
}

export function recoveryKey(): RecoveryKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

export const MEASUREMENT = new Uint8Array(createHash('sha256').update('backend program').digest());
export const SIGNER = new Uint8Array(32).fill(7);

/** The test manifest: one sim marble by measurement, one by signer, three users, 2-of-3 recovery and updates. */
export function manifestFor(users: Record<'alice' | 'bob' | 'carol', Identity>, recovery: Record<'alice' | 'bob' | 'carol', RecoveryKey>): Record<string, unknown> {
  return {
    Packages: {
      'backend-pkg': { Tee: 'sim', UniqueID: Buffer.from(MEASUREMENT).toString('hex'), Debug: false },
      'worker-pkg': { Tee: 'sim', SignerID: Buffer.from(SIGNER).toString('hex'), ProductID: 3, SecurityVersion: 2, Debug: false },
    },
    Marbles: {
      backend: {
        Package: 'backend-pkg',
        MaxActivations: 2,
        Parameters: {
          Files: { '/run/tls.crt': '{{ pem .MarbleRun.MarbleCert.Cert }}', '/run/config.txt': { Data: 'aGVsbG8=', Encoding: 'base64', NoTemplates: true } },
          Env: { DB_KEY: '{{ hex .Secrets.dbKey }}', API_TOKEN: '{{ string .Secrets.apiToken }}' },
          Argv: ['backend', '--serve'],
        },
      },
      worker: { Package: 'worker-pkg', Parameters: { Env: { DB_KEY: '{{ hex .Secrets.dbKey }}' } } },
    },
    Secrets: {
      dbKey: { Type: 'symmetric-key', Size: 256, Shared: true },
      apiToken: { Type: 'plain', UserDefined: true },
    },
    Users: {
      alice: { Certificate: users.alice.pem, Roles: ['secretsAdmin', 'updateWorker', 'manifestUpdater'] },
      bob: { Certificate: users.bob.pem, Roles: ['manifestUpdater', 'readDbKey'] },
      carol: { Certificate: users.carol.pem, Roles: ['manifestUpdater'] },
    },
    Roles: {
      secretsAdmin: { ResourceType: 'Secrets', ResourceNames: ['apiToken'], Actions: ['ReadSecret', 'WriteSecret'] },
      readDbKey: { ResourceType: 'Secrets', ResourceNames: ['dbKey'], Actions: ['ReadSecret'] },
      updateWorker: { ResourceType: 'Packages', ResourceNames: ['worker-pkg'], Actions: ['UpdateSecurityVersion'] },
      manifestUpdater: { ResourceType: 'Manifest', Actions: ['UpdateManifest'] },
    },
    RecoveryKeys: { alice: recovery.alice.publicPem, bob: recovery.bob.publicPem, carol: recovery.carol.publicPem },
    Config: { UpdateThreshold: 2, RecoveryThreshold: 2, FeatureGates: ['SignQuoteEndpoint'] },
  };
}

export const CERT_HEADER = 'x-test-client-cert';

export interface Harness {
  app: FastifyInstance;
  store: Store;
  simKey: SimulationKey;
}

/** An app over `store` with the coordinator; the client certificate comes from a test header (inject has no TLS). */
export async function coordinatorApp(store: Store, seal: SealProvider, simKey: SimulationKey, logger?: FastifyServerOptions['logger']): Promise<FastifyInstance> {
  const coordinator = await startServerCoordinator({ store, collateral: emptyCollateral, simulationKey: simKey, seal });
  return buildApp({
    store,
    bodyLimit: 1 << 20,
    logger,
    coordinator: {
      coordinator,
      peerCertificate: (request) => {
        const h = request.headers[CERT_HEADER];
        return typeof h === 'string' ? fromBase64(h) : undefined;
      },
    },
  });
}

export async function newHarness(seal: SealProvider = createMemorySealProvider(new Uint8Array(32).fill(9))): Promise<Harness & { seal: SealProvider }> {
  const store = openSqliteStore(':memory:');
  const simKey = await loadSimulationKey(mkdtempSync(join(tmpdir(), 'confide-mr-')), { create: true });
  return { app: await coordinatorApp(store, seal, simKey), store, simKey, seal };
}

export function asUser(id: Identity | undefined): Record<string, string> {
  return id ? { [CERT_HEADER]: toBase64(id.der) } : {};
}

/** Simulated evidence binding `identity`'s key, as the launcher makes it. */
export async function marbleEvidence(simKey: SimulationKey, identity: Identity, fields: { measurement?: Uint8Array; signer?: Uint8Array; productId?: number; svn?: number } = {}): Promise<string> {
  const reportData = new Uint8Array(64);
  reportData.set(createHash('sha256').update(identity.spki).digest());
  return toBase64(await simulateQuote(simKey, { measurement: fields.measurement ?? MEASUREMENT, reportData, ...fields }));
}
