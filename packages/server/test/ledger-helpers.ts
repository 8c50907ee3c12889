/** A ledger surface in process (app.inject): an in-memory store, a fresh seal, the identity, the durable writer on that store signing every few milliseconds. */
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { openSqliteStore, type Store } from '@confide/store';
import { SignJWT } from 'jose';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { createJwtVerifier } from '../src/plugins/bearer-jwt.js';
import { createLedgerAuth, type LedgerCaller } from '../src/plugins/ledger-auth.js';
import { createSeal } from '../src/seal/index.js';
import { openDurableLedgerWriter } from '../src/ledger-durable/open-durable-writer.js';
import { certificateUserId, LedgerService, LedgerUsers, openLedgerIdentity, type LedgerIdentity } from '../src/services/ledger/index.js';

export interface LedgerApp {
  app: FastifyInstance;
  store: Store;
  identity: LedgerIdentity;
  users: LedgerUsers;
  /** A bearer JWT for `oid` (signed by the configured issuer key). */
  token(oid: string): Promise<string>;
  close(): Promise<void>;
}

const { privateKey: issuerKey, publicKey: issuerPublic } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/**
 * `jwt` verifies bearer tokens with a test issuer (production-like); without it the surface is dev
 * mode's accept-any. `peer` stands in for the TLS client certificate (inject has no TLS).
 */
export async function ledgerApp(options: { jwt?: boolean; maxEntryBytes?: number; pageSize?: number; intervalMs?: number; peer?: () => Uint8Array | undefined } = {}): Promise<LedgerApp> {
  const store = openSqliteStore(':memory:');
  const seal = createSeal(randomBytes(32));
  const identity = await openLedgerIdentity({ store, seal, names: ['127.0.0.1'] });
  const writer = await openDurableLedgerWriter({ store, signer: identity.signer, interval: { count: 1_000_000, ms: options.intervalMs ?? 20 } });
  const users = new LedgerUsers(store);
  const verifyJwt = options.jwt ? createJwtVerifier({ publicKey: issuerPublic, issuer: 'https://issuer.test', audience: 'https://confidential-ledger.azure.com' }) : undefined;
  const roleOf = async (caller: LedgerCaller) => users.roleOf(caller.kind === 'token' ? caller.subject : certificateUserId(caller.der));
  const auth = createLedgerAuth({ mode: options.jwt ? 'production' : 'dev', verifyJwt, roleOf, peerCertificate: () => options.peer?.() });
  const service = new LedgerService({ writer, maxEntryBytes: options.maxEntryBytes ?? 1024, pageSize: options.pageSize });
  const app = await buildApp({ store, bodyLimit: 1024 * 1024, ledger: { service, users, auth, ledgerId: 'test-ledger', serviceCertificatePem: identity.serviceCertificatePem } });
  return {
    app,
    store,
    identity,
    users,
    token: (oid) =>
      new SignJWT({ oid })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer('https://issuer.test')
        .setAudience('https://confidential-ledger.azure.com')
        .setExpirationTime('5m')
        .sign(issuerKey),
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** Waits until `check` holds (polling every 10 ms, up to `ms`). */
export async function until(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
