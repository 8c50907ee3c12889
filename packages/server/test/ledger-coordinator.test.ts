/**
 * The coordinator's audit entries mirrored into the ledger (collection confide:coordinator).
 * In process through both HTTP surfaces: a manifest set, a user secret written, a package update
 * and a manifest update (proposed, acknowledged) each answer only once their ledger entry is
 * durable; the entry holds the coordinator's signed audit entry exactly as its own log has it
 * (names, never a secret's value: the value appears in no ledger row); an activation is not
 * mirrored; the receipt of the manifest.set entry verifies with the package and with the
 * independent check. The mirror itself: gaps filled from the log, a failed append retried by the
 * next call, nothing mirrored twice. Through the composition root: the startup manifest (set before
 * the ledger opens) is mirrored at start, and a restart mirrors nothing again.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createMemorySealProvider } from '@confide/coordinator';
import { fromBase64, toBase64 } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { verifyReceipt } from '@confide/ledger';
import { loadSimulationKey } from '@confide/launcher/sim-key';
import { openSqliteStore } from '@confide/store';
import { buildApp } from '../src/app.js';
import { loadConfig, startServer } from '../src/index.js';
import { COORDINATOR_COLLECTION, CoordinatorLedgerMirror, auditEntriesAfter, type AuditEntry } from '../src/ledger-durable/coordinator-mirror.js';
import { openDurableLedgerWriter } from '../src/ledger-durable/open-durable-writer.js';
import { createLedgerAuth } from '../src/plugins/ledger-auth.js';
import { createSeal } from '../src/seal/index.js';
import { startServerCoordinator } from '../src/services/coordinator/index.js';
import { LedgerService, LedgerUsers, openLedgerIdentity } from '../src/services/ledger/index.js';
import { asUser, CERT_HEADER, manifestFor, marbleEvidence, recoveryKey, selfSigned, type Identity } from './marblerun-helpers.js';
import { independentReceiptCheck } from './ledger-receipt-check.js';
import { until } from './ledger-helpers.js';

const SECRET_VALUE = 'the-user-secret-value-7f3a91';
const BEARER = { authorization: 'Bearer dev' };
const tmp = mkdtempSync(join(tmpdir(), 'confide-ledger-coordinator-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A coordinator and a ledger on one in-memory store, the coordinator's entries mirrored, both surfaces on one app. */
async function mirroredApp() {
  const store = openSqliteStore(':memory:');
  const identity = await openLedgerIdentity({ store, seal: createSeal(randomBytes(32)), names: ['127.0.0.1'] });
  const writer = await openDurableLedgerWriter({ store, signer: identity.signer, interval: { count: 1_000_000, ms: 20 } });
  const simKey = await loadSimulationKey(mkdtempSync(join(tmp, 'sim-')), { create: true });
  // Bound once the mirror exists, as the composition root binds it.
  const late: { mirror?: CoordinatorLedgerMirror } = {};
  const coordinator = await startServerCoordinator({ store, collateral: emptyCollateral, simulationKey: simKey, seal: createMemorySealProvider(new Uint8Array(32).fill(3)), onAudit: async (entries) => late.mirror?.appended(entries) });
  const mirror = (late.mirror = new CoordinatorLedgerMirror({ writer, entriesAfter: async (seq) => auditEntriesAfter(await coordinator.auditLog(), seq) }));
  await mirror.sync();
  const users = new LedgerUsers(store);
  const auth = createLedgerAuth({ mode: 'dev', verifyJwt: undefined, roleOf: async () => undefined, peerCertificate: () => undefined });
  const app = await buildApp({
    store,
    bodyLimit: 1 << 20,
    coordinator: { coordinator, peerCertificate: (request) => (typeof request.headers[CERT_HEADER] === 'string' ? fromBase64(request.headers[CERT_HEADER]) : undefined) },
    ledger: { service: new LedgerService({ writer, maxEntryBytes: 1 << 16 }), users, auth, ledgerId: 'test-ledger', serviceCertificatePem: identity.serviceCertificatePem },
  });
  return { app, store, writer, coordinator, simKey, identity, mirror, close: async () => (writer.close(), await app.close(), await store.close()) };
}

/** The mirrored events as the ledger's API lists them (dev mode: any bearer token is an Administrator). */
async function mirrored(app: Awaited<ReturnType<typeof mirroredApp>>['app']): Promise<{ transactionId: string; event: { event: string; entry: AuditEntry & Record<string, unknown> } }[]> {
  const res = await app.inject({ method: 'GET', url: `/app/transactions?api-version=2022-05-13&collectionId=${COORDINATOR_COLLECTION}`, headers: BEARER });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json().entries as { contents: string; transactionId: string }[]).map((e) => ({ transactionId: e.transactionId, event: JSON.parse(e.contents) }));
}

describe('coordinator audit entries in the ledger', () => {
  it('manifest set, secret written, package and manifest updates: each durable in confide:coordinator when answered, names only, receipts verify', async () => {
    const users = { alice: await selfSigned('alice'), bob: await selfSigned('bob'), carol: await selfSigned('carol') };
    const recovery = { alice: recoveryKey(), bob: recoveryKey(), carol: recoveryKey() };
    const manifest = manifestFor(users, recovery);
    const h = await mirroredApp();
    try {
      const call = async (url: string, body: unknown, user?: Identity) => {
        const res = await h.app.inject({ method: 'POST', url, headers: asUser(user), payload: body as object });
        assert.equal(res.statusCode, 200, res.body);
      };
      await call('/api/v2/manifest', { manifest: toBase64(Buffer.from(JSON.stringify(manifest))) });
      // Answered: the entry is durable already (the ledger's reads see only durable transactions).
      const [set] = await mirrored(h.app);
      assert.equal(set!.event.event, 'coordinator.manifest.set');

      await call('/api/v2/secrets', { secrets: { apiToken: { Key: toBase64(Buffer.from(SECRET_VALUE)) } } }, users.alice);
      await call('/api/v2/update', { manifest: toBase64(Buffer.from(JSON.stringify({ Packages: { 'worker-pkg': { SecurityVersion: 3 } } }))) }, users.alice);
      const next = structuredClone(manifest) as { Marbles: { backend: { MaxActivations: number } } };
      next.Marbles.backend.MaxActivations = 5;
      await call('/api/v2/update', { manifest: toBase64(Buffer.from(JSON.stringify(next))) }, users.alice);
      await call('/api/v2/update-manifest', { manifest: toBase64(Buffer.from(JSON.stringify(next))) }, users.bob);
      // An activation is in the coordinator's log, not in the ledger.
      const marble = await selfSigned(randomUUID());
      const evidence = await marbleEvidence(h.simKey, marble);
      const act = await h.app.inject({ method: 'POST', url: '/api/v2/marble/activate', headers: asUser(marble), payload: { marbleType: 'backend', uuid: randomUUID(), tee: 'sim', evidence } });
      assert.equal(act.statusCode, 200, act.body);

      const events = await mirrored(h.app);
      assert.deepEqual(
        events.map((e) => e.event.event),
        ['coordinator.manifest.set', 'coordinator.secret.write', 'coordinator.package.update', 'coordinator.manifest.update.acknowledge', 'coordinator.manifest.update.acknowledge', 'coordinator.manifest.update'],
      );
      // Each ledger entry is the coordinator's signed entry exactly as its own log holds it.
      const log = auditEntriesAfter(await h.coordinator.auditLog(), 0);
      assert.equal(log.at(-1)!.type, 'marble.activate');
      for (const e of events) assert.deepEqual(e.event.entry, log.find((l) => l.seq === e.event.entry.seq));
      assert.deepEqual(events[1]!.event.entry['details'], { secrets: ['apiToken'] });
      assert.equal(h.mirror.seq, log.at(-1)!.seq, 'the activation was passed over');
      // No ledger row holds the secret's value, in any spelling the coordinator was given it.
      const rows = JSON.stringify(await h.store.ledgerTransactions.range(1, 10_000));
      for (const spelling of [SECRET_VALUE, toBase64(Buffer.from(SECRET_VALUE)), Buffer.from(SECRET_VALUE).toString('hex')]) assert.ok(!rows.includes(spelling), spelling);

      const id = set!.transactionId;
      await until(async () => (await h.app.inject({ method: 'GET', url: `/app/transactions/${id}/status`, headers: BEARER })).json().state === 'Committed');
      let receipt = '';
      await until(async () => {
        const res = await h.app.inject({ method: 'GET', url: `/app/transactions/${id}/receipt`, headers: BEARER });
        receipt = res.body;
        return res.json().state === 'Ready';
      });
      const verified = await verifyReceipt(receipt, { serviceIdentity: h.identity.serviceCertificatePem });
      assert.equal(verified.transactionId, id);
      independentReceiptCheck(receipt, h.identity.serviceCertificatePem, id);
      assert.equal(JSON.parse(JSON.parse(receipt).applicationClaims[0].ledgerEntry.contents).event, 'coordinator.manifest.set');
    } finally {
      await h.close();
    }
  });

  it('the mirror fills gaps from the log, retries a failed append at the next call, and mirrors nothing twice', async () => {
    const entry = (seq: number, type = 'manifest.update'): AuditEntry => ({ seq, type });
    const log = [entry(1, 'manifest.set'), entry(2, 'marble.activate'), entry(3), entry(4, 'secret.write'), entry(5), entry(6, 'marble.counter')];
    // The coordinator's log as committed so far.
    let head = 3;
    const entriesAfter = async (seq: number) => log.filter((e) => e.seq > seq && e.seq <= head);
    const appended: { contents: string; collection: string }[] = [];
    let failNext = false;
    const writer = {
      append: async (contents: string, collection?: string) => {
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('stopped'), { code: 'ERR_LEDGER_WRITER_FAILED' });
        }
        appended.push({ contents, collection: collection! });
        return `2.${appended.length}`;
      },
      latest: () => undefined,
    };
    const mirror = new CoordinatorLedgerMirror({ writer, entriesAfter });
    const seqs = () => appended.map((a) => (JSON.parse(a.contents) as { entry: AuditEntry }).entry.seq);
    // Entry 3 arrives first: 1 (and 2, passed over) come from the log before it.
    await mirror.appended([log[2]!]);
    assert.deepEqual(seqs(), [1, 3]);
    assert.ok(appended.every((a) => a.collection === COORDINATOR_COLLECTION));
    await mirror.appended([log[0]!]);
    assert.deepEqual(seqs(), [1, 3], 'nothing twice');
    failNext = true;
    head = 4;
    await mirror.appended([log[3]!]);
    assert.match(mirror.failure!, /ERR_LEDGER_WRITER_FAILED/);
    assert.equal(mirror.seq, 3);
    head = 5;
    await mirror.appended([log[4]!]);
    assert.deepEqual(seqs(), [1, 3, 4, 5], 'the failed one first, then the new one');
    assert.equal(mirror.failure, undefined);
    // A mirror opened on a ledger that holds seq 5 starts after it.
    const reopened = new CoordinatorLedgerMirror({ writer: { ...writer, latest: () => ({ contents: appended.at(-1)!.contents, collectionId: COORDINATOR_COLLECTION, transactionId: '2.4' }) }, entriesAfter });
    assert.equal(reopened.seq, 5);
    await reopened.sync();
    assert.equal(appended.length, 4);
    // A monotonic counter raise is a marble's own operation, as an activation is: passed over.
    head = 6;
    await reopened.appended([log[5]!]);
    assert.equal(appended.length, 4);
    assert.equal(reopened.seq, 6);
  });

  it('confide serve mirrors the startup manifest (set before the ledger opens) at start, and a restart mirrors nothing again', async () => {
    const dir = mkdtempSync(join(tmp, 'serve-'));
    const manifestPath = join(dir, 'manifest.json');
    writeFileSync(manifestPath, JSON.stringify({ Packages: { pkg: { Tee: 'sim', UniqueID: '11'.repeat(32) } }, Marbles: { m: { Package: 'pkg', Parameters: { Argv: ['a'] } } } }));
    const env = {
      CONFIDE_MODE: 'dev', CONFIDE_HOST: '127.0.0.1', CONFIDE_PORT: '0', CONFIDE_DATA_DIR: join(dir, 'data'), CONFIDE_LOG_LEVEL: 'silent', EDG_COORDINATOR_MESH_ADDR: 'off',
      EDG_STARTUP_MANIFEST: manifestPath, CONFIDE_LEDGER_ENABLED: 'true', CONFIDE_LEDGER_PORT: '0', CONFIDE_LEDGER_SIGNATURE_INTERVAL_MS: '20',
    };
    const list = async (server: Awaited<ReturnType<typeof startServer>>) => {
      const res = await server.app.inject({ method: 'GET', url: `/app/transactions?collectionId=${COORDINATOR_COLLECTION}`, headers: BEARER });
      return (res.json().entries as { contents: string }[]).map((e) => JSON.parse(e.contents) as { event: string; entry: AuditEntry });
    };
    let server = await startServer(loadConfig({ env }).config);
    try {
      const events = await list(server);
      assert.deepEqual(events.map((e) => e.event), ['coordinator.manifest.set']);
      assert.equal(events[0]!.entry.seq, 1);
      assert.equal((await server.app.inject({ method: 'GET', url: '/readyz' })).json().status, 'ready');
    } finally {
      await server.close();
    }
    server = await startServer(loadConfig({ env }).config);
    try {
      assert.deepEqual((await list(server)).map((e) => e.event), ['coordinator.manifest.set']);
    } finally {
      await server.close();
    }
  });
});
