/**
 * Routes that do nothing, run as their own process: what any HTTPS request costs on this machine.
 * Confide's own app (buildApp: the same fastify settings, hooks, hardened TLS with a P-256
 * certificate, client certificates requested, JSON body parsing) with POST /app/transactions
 * answering as the ledger does ({"collectionId"} and x-ms-ccf-transaction-id) and POST
 * /keys/{name}/{version}/sign and /release answering as the key vault does ({kid, value}, {value}), without doing
 * anything. Prints {url, ca} once listening. The ledger's HTTPS floor, the key vault's ceiling.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { Buffer } from 'node:buffer';
import { openSqliteStore } from '@confide/store';
import { buildApp, ensureLocalCa } from '@confide/server';

const dir = mkdtempSync(join(tmpdir(), 'confide-bench-noop-'));
const tls = await ensureLocalCa(dir, ['127.0.0.1']);
const store = openSqliteStore(':memory:');
const http = { headersTimeout: 30_000, requestTimeout: 30_000, idleTimeout: 60_000, maxConnections: 10_000 };
const app = await buildApp({ store, bodyLimit: 1024 * 1024, http, https: { cert: readFileSync(tls.certPath), key: readFileSync(tls.keyPath), requestCert: true, rejectUnauthorized: false } });
app.post('/app/transactions', async (request, reply) => {
  void reply.header('x-ms-ccf-transaction-id', '2.1');
  return { collectionId: 'subledger:0' };
});
// Answers of the key vault's sizes, made once: a P-256 signature, and a release's JWS (about 7.3 KB).
const SIGNATURE = Buffer.alloc(64, 7).toString('base64url');
const RELEASE = Buffer.alloc(5500, 7).toString('base64url');
app.post('/keys/:name/:version/sign', async (request) => ({ kid: `https://127.0.0.1/keys/${request.params.name}/${request.params.version}`, value: SIGNATURE }));
app.post('/keys/:name/:version/release', async () => ({ value: RELEASE }));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(JSON.stringify({ url: `https://127.0.0.1:${app.server.address().port}`, ca: readFileSync(tls.caCertPath, 'utf8') }) + '\n');
const stop = async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
