/**
 * /metrics: a started server with metrics.port serves Prometheus text on its own plain-HTTP
 * listener (not on the public HTTPS one), and the counters move with the work: requests by route
 * template and status, verifications by type and outcome, tokens issued, process metrics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer } from '../src/index.js';
import { loadSimulationKey, simulateQuote } from '../src/sim/index.js';

/** The value of one sample line `name{labels} value` in Prometheus text, or 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf('}'));
    const have = inside.split(',');
    if (want.every((w) => have.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

test('metrics.port: Prometheus text on a listener of its own, and the counters move with the work', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-metrics-'));
  const server = await startServer(loadConfig({ flags: { dataDir, host: ['127.0.0.1'], port: 0, 'metrics.port': 0, logLevel: 'silent' } }).config);
  try {
    assert.match(server.metricsUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    // The server's own URL stays the API listener's (a metrics port must not leak into it).
    assert.equal(new URL(server.url).port, String((server.app.server.address() as { port: number }).port));
    assert.notEqual(new URL(server.url).port, new URL(server.metricsUrl!).port);
    const scrape = async (): Promise<string> => {
      const res = await fetch(server.metricsUrl!);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      return res.text();
    };
    const before = await scrape();
    assert.equal(sample(before, 'confide_verifications_total', { tee: 'Simulated', outcome: 'ok' }), 0);
    assert.ok(before.includes('process_cpu_user_seconds_total'), 'process metrics');
    assert.ok(before.includes('confide_store_transaction_retries_total 0'));
    assert.ok(!before.includes('confide_ledger_pending_entries'), 'no ledger gauges without the ledger');

    const key = await loadSimulationKey(dataDir, { create: false });
    const quote = Buffer.from(await simulateQuote(key, { measurement: new Uint8Array(32).fill(7) })).toString('base64url');
    const app = server.app;
    for (let i = 0; i < 2; i++) assert.equal((await app.inject({ method: 'POST', url: '/attest/Simulated', payload: { quote } })).statusCode, 200);
    const bad = await app.inject({ method: 'POST', url: '/attest/Simulated', payload: { quote: 'AAAA' } });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { error: { innererror: { code: string } } }).error.innererror.code, 'ERR_EVIDENCE_MALFORMED');
    assert.equal((await app.inject({ method: 'POST', url: '/attest/NoSuchType', payload: { quote } })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/no/such/path/123' })).statusCode, 404);

    const after = await scrape();
    assert.equal(sample(after, 'confide_verifications_total', { tee: 'Simulated', outcome: 'ok' }), 2);
    assert.equal(sample(after, 'confide_tokens_issued_total', { tee: 'Simulated' }), 2);
    // The outcome of a refusal is the error code the surface answered with.
    assert.equal(sample(after, 'confide_verifications_total', { tee: 'Simulated', outcome: 'ERR_EVIDENCE_MALFORMED' }), 1);
    // A type the client made up is one "other" series, never a label of its own.
    assert.equal(sample(after, 'confide_verifications_total', { tee: 'other', outcome: 'ERR_NOT_FOUND' }), 1);
    assert.ok(!after.includes('NoSuchType'));
    assert.equal(sample(after, 'confide_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }), 1);
    assert.equal(sample(after, 'confide_http_requests_total', { method: 'POST', route: '/attest/:type', status: '200' }), 2);
    assert.equal(sample(after, 'confide_http_requests_total', { method: 'GET', route: '(unmatched)', status: '404' }), 1, 'unknown paths share one series');
    assert.ok(!after.includes('/no/such/path'));
    assert.equal(sample(after, 'confide_http_request_duration_seconds_count', { method: 'POST', route: '/attest/:type' }), 4);

    // Only GET /metrics on the metrics listener; never /metrics on the public API listener.
    assert.equal((await fetch(server.metricsUrl!.replace('/metrics', '/healthz'))).status, 404);
    assert.equal((await fetch(server.metricsUrl!, { method: 'POST' })).status, 405);
    assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('ledger commit lag: the pending entries and the oldest one\'s wait move with appends and fall to 0 once a signature covers them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-metrics-'));
  // A signature after 3 entries, never by time within the test: the lag is what the test makes it.
  const flags = { dataDir, host: ['127.0.0.1'], port: 0, 'metrics.port': 0, logLevel: 'silent', 'ledger.enabled': true, 'ledger.port': 0, 'ledger.signatureInterval.count': 3, 'ledger.signatureInterval.ms': 3_600_000 };
  const server = await startServer(loadConfig({ flags }).config);
  try {
    const scrape = async (): Promise<string> => (await fetch(server.metricsUrl!)).text();
    const gauge = (text: string, name: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      assert.ok(line, `${name} is served`);
      return Number(line.slice(name.length + 1));
    };
    const append = async (contents: string): Promise<string> => {
      const res = await server.app.inject({ method: 'POST', url: '/app/transactions', headers: { authorization: 'Bearer dev' }, payload: { contents } });
      assert.equal(res.statusCode, 200);
      return res.headers['x-ms-ccf-transaction-id'] as string;
    };
    const idle = await scrape();
    assert.equal(gauge(idle, 'confide_ledger_pending_entries'), 0);
    assert.equal(gauge(idle, 'confide_ledger_commit_lag_seconds'), 0);

    await append('one');
    await append('two');
    const pending = await scrape();
    assert.equal(gauge(pending, 'confide_ledger_pending_entries'), 2);
    const lag = gauge(pending, 'confide_ledger_commit_lag_seconds');
    await new Promise((r) => setTimeout(r, 60));
    const later = gauge(await scrape(), 'confide_ledger_commit_lag_seconds');
    assert.ok(later >= lag + 0.05, `the oldest entry's wait grows while it is pending (${lag} s, then ${later} s)`);

    const third = await append('three'); // the third entry starts a signature transaction
    for (let i = 0; (await server.app.inject({ method: 'GET', url: `/app/transactions/${third}/status`, headers: { authorization: 'Bearer dev' } })).json().state !== 'Committed'; i++) {
      assert.ok(i < 500, 'committed in time');
      await new Promise((r) => setTimeout(r, 10));
    }
    const committed = await scrape();
    assert.equal(gauge(committed, 'confide_ledger_pending_entries'), 0);
    assert.equal(gauge(committed, 'confide_ledger_commit_lag_seconds'), 0);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('without metrics.port there is no metrics listener and no counting', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-metrics-'));
  const server = await startServer(loadConfig({ flags: { dataDir, host: ['127.0.0.1'], port: 0, logLevel: 'silent' } }).config);
  try {
    assert.equal(server.metricsUrl, undefined);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
