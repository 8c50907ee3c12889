/**
 * Ledger appends over HTTPS: POST /app/transactions on the ledger listener of a separate
 * `confide serve --ledger-enabled true` (durable writer, group commit, SQLite file with
 * the WAL fsynced before a group commit is answered), each answer checked for 200 and an x-ms-ccf-transaction-id,
 * with 16 and 256 in flight, beside the floor measured in the same run: the same HTTPS requests
 * to a route that does nothing (Confide's own app in its own process, same TLS and fastify
 * settings). Goal (issue 9): at least 60% of the floor's rate.
 */
import { Agent, get } from 'node:https';
import { describeError, measureWork, settings, warmUpServer } from './lib/harness.mjs';
import { httpsClient } from './lib/https-client.mjs';
import { startNoop } from './lib/noop-server-process.mjs';
import { processCpu } from './lib/proc-cpu.mjs';
import { startServe } from './lib/serve-process.mjs';
import { printSkipped, printTable } from './lib/table.mjs';

const TITLE = 'Ledger appends (POST /app/transactions), HTTPS';
const PEER = { reason: 'none: the Azure Confidential Ledger is a cloud service; CCF is not an npm library' };
const LEVELS = [16, 256];
const BODY = JSON.stringify({ contents: JSON.stringify({ event: 'attestation.token', hash: 'a'.repeat(64), claimsDigest: 'b'.repeat(64) }) });

function getJson(url, ca) {
  return new Promise((resolve, reject) => {
    get(url, { ca, agent: new Agent({ ca }) }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${url}: ${res.statusCode} ${body}`))));
    }).on('error', reject);
  });
}

const appendOp = (client) => async () => {
  const res = await client.post('/app/transactions?api-version=2022-05-13', BODY);
  if (res.status !== 200 || !res.headers['x-ms-ccf-transaction-id']) throw new Error(`append: ${res.status} ${res.body}`);
};

export async function main() {
  let server;
  let noop;
  try {
    server = await startServe(['--ledger-enabled', 'true', '--ledger-port', '0']);
    noop = await startNoop();
  } catch (err) {
    await server?.stop();
    return printSkipped(TITLE, `cannot start the servers: ${describeError(err)}`);
  }
  const rows = [];
  const notes = [];
  let ledgerClient;
  let noopClient;
  try {
    // The client trusts the ledger identity alone, as @azure-rest/confidential-ledger does.
    const identity = (await getJson(`${server.url}/ledgerIdentity/confide`, server.ca)).ledgerTlsCertificate;
    ledgerClient = httpsClient(server.ledgerUrl, identity, { authorization: 'Bearer bench' });
    noopClient = httpsClient(noop.url, noop.ca, { authorization: 'Bearer bench' });
    const ours = appendOp(ledgerClient);
    const floor = appendOp(noopClient);
    await ours();
    await floor();
    await warmUpServer(ours);
    await warmUpServer(floor);
    let oursCpu;
    let floorCpu;
    for (const level of LEVELS) {
      // Slices of ours and the floor alternate inside measureWork; CPU is read over the whole row.
      const before = [processCpu(server.pid), processCpu(noop.pid), ledgerClient.requests(), noopClient.requests()];
      rows.push(...(await measureWork('append, HTTPS', { ours: { op: ours }, peer: PEER, floor: { op: floor } }, [level])));
      const after = [processCpu(server.pid), processCpu(noop.pid), ledgerClient.requests(), noopClient.requests()];
      const per = (b, a, n) => (b && a && n > 0 ? (a.mainMs + a.otherMs - b.mainMs - b.otherMs) / n : undefined);
      oursCpu = per(before[0], after[0], after[2] - before[2]);
      floorCpu = per(before[1], after[1], after[3] - before[3]);
      if (oursCpu !== undefined && floorCpu !== undefined) notes.push(`${level} in flight: server CPU ${(oursCpu * 1000).toFixed(0)} µs per append (ledger) vs ${(floorCpu * 1000).toFixed(0)} µs per request (no-op), ${(oursCpu / floorCpu).toFixed(2)}×`);
    }
  } catch (err) {
    rows.push({ work: 'setup', concurrency: 0, ours: { note: describeError(err) } });
  } finally {
    ledgerClient?.close();
    noopClient?.close();
    await server.stop();
    await noop.stop();
  }
  printTable({
    title: TITLE,
    peerName: 'peer',
    rows,
    notes: [
      `ours: a separate \`confide serve --ledger-enabled true\` (dev mode, any bearer token), POST /app/transactions on the ledger listener (TLS chain ending at the ledger identity, the only CA the client trusts); each append answered once its group commit is durable (the WAL fsynced); signature transactions every 5000 entries or 1000 ms; both servers are first warmed for ${settings.serverWarmupMs / 1000} s at ${Math.max(...settings.concurrency)} in flight`,
      'floor: the same requests (same body, headers, keep-alive HTTPS client) to a route that does nothing, on Confide\'s own app (buildApp, hardened TLS, P-256 certificate) in its own process',
      'goal (issue 9): ours at least 60% of the floor\'s rate, i.e. ours/floor at most 1.67×',
      ...notes,
    ],
  });
}

await main();
