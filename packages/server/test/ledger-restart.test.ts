/**
 * The ledger through the composition root, over real HTTPS, across a restart: the identity is the
 * same after the restart (sealed in the store), entries appended before it are read back and their
 * receipts verify against that identity (the durable writer restored from the store), the ledger
 * listener's chain ends at the identity, and ledger.administrators are Administrators.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { verifyReceipt } from '@confide/ledger';
import { loadConfig, startServer, type RunningServer } from '../src/index.js';

const ADMIN = '7d3c4a52-9b1e-4f0a-8c6d-2e5f1a9b0c3d';

function call(url: string, ca: string, method: string, body?: object): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, ca, headers: { authorization: 'Bearer dev', ...(payload ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function start(dir: string): Promise<RunningServer> {
  const { config } = loadConfig({
    env: {
      CONFIDE_MODE: 'dev', CONFIDE_HOST: '127.0.0.1', CONFIDE_PORT: '0', CONFIDE_DATA_DIR: dir, CONFIDE_LOG_LEVEL: 'silent',
      CONFIDE_LEDGER_ENABLED: 'true', CONFIDE_LEDGER_PORT: '0', CONFIDE_LEDGER_SIGNATURE_INTERVAL_MS: '20', CONFIDE_LEDGER_ADMINISTRATORS: ADMIN.toUpperCase(),
    },
  });
  return startServer(config);
}

it('keeps its identity and its entries across a restart; receipts from before verify after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-ledger-restart-'));
  let server = await start(dir);
  const ca = readFileSync(server.caCertPath!, 'utf8');
  let identity: string;
  let id: string;
  try {
    identity = (await call(`${server.url}/ledgerIdentity/confide`, ca, 'GET')).body.ledgerTlsCertificate;
    assert.deepEqual(await server.store.ledgerUsers.get(ADMIN), { userId: ADMIN, role: 'Administrator' }, 'seeded, in its one spelling');
    // The ledger listener is trusted with the identity alone; the main listener is not.
    const appended = await call(`${server.ledgerUrl}/app/transactions`, identity, 'POST', { contents: 'before the restart' });
    assert.equal(appended.status, 200);
    id = appended.headers['x-ms-ccf-transaction-id'] as string;
    await assert.rejects(call(`${server.url}/app/collections`, identity, 'GET'));
    for (let i = 0; (await call(`${server.ledgerUrl}/app/transactions/${id}/status`, identity, 'GET')).body.state !== 'Committed'; i++) {
      assert.ok(i < 500, 'committed in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await server.close();
  }
  server = await start(dir);
  try {
    assert.equal((await call(`${server.url}/ledgerIdentity/confide`, ca, 'GET')).body.ledgerTlsCertificate, identity, 'the same identity');
    assert.deepEqual((await call(`${server.ledgerUrl}/app/transactions/${id}`, identity, 'GET')).body, { state: 'Loading' });
    assert.deepEqual((await call(`${server.ledgerUrl}/app/transactions/${id}`, identity, 'GET')).body, { state: 'Ready', entry: { contents: 'before the restart', collectionId: 'subledger:0', transactionId: id } });
    const receipt = (await call(`${server.ledgerUrl}/app/transactions/${id}/receipt`, identity, 'GET')).body;
    assert.equal((await verifyReceipt(receipt, { serviceIdentity: identity })).transactionId, id);
    const next = await call(`${server.ledgerUrl}/app/transactions`, identity, 'POST', { contents: 'after' });
    assert.ok(Number((next.headers['x-ms-ccf-transaction-id'] as string).split('.')[1]) > Number(id.split('.')[1]), 'the ledger continues');
  } finally {
    await server.close();
  }
});
