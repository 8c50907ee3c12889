/**
 * The server's Prometheus metrics, in a registry of its own (several servers in one process
 * never share counters): HTTP requests by route template, method and status with their
 * latency, the service outcomes an operator watches (verifications by TEE and outcome, tokens
 * issued, marble activations, key releases, ledger appends), the ledger's commit lag, store transaction retries and
 * the process metrics of prom-client. Counted from the HTTP layer (metrics/http-hooks.ts), so no
 * service knows about metrics. Labels are route templates and error codes, never raw paths or
 * values a client chose beyond its TEE type, so the series stay few.
 */
import type { CommitLag } from '@confide/ledger';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route'>;
  verifications: Counter<'tee' | 'outcome'>;
  tokensIssued: Counter<'tee'>;
  activations: Counter<'outcome'>;
  keyReleases: Counter<'outcome'>;
  ledgerAppends: Counter<'outcome'>;
}

export interface MetricsSources {
  /** Transaction retries of the store so far (an engine with concurrent writers counts them; SQLite has none). */
  storeRetries: () => number;
  /** The ledger writer's commit lag, when the ledger is enabled. */
  ledgerLag?: (() => CommitLag) | undefined;
}

/** The ledger's commit lag as two gauges read at each scrape: how many entries are Pending, and for how long the oldest has been. */
function ledgerLagGauges(registry: Registry, lag: () => CommitLag): void {
  new Gauge({
    name: 'confide_ledger_pending_entries',
    help: 'Ledger entries written but not yet covered by a signature transaction (Pending).',
    registers: [registry],
    collect() {
      this.set(lag().pending);
    },
  });
  new Gauge({
    name: 'confide_ledger_commit_lag_seconds',
    help: 'How long the oldest Pending ledger entry has waited for a signature transaction since it was written; 0 when none is Pending.',
    registers: [registry],
    collect() {
      const since = lag().pendingSinceMs;
      this.set(since === undefined ? 0 : Math.max(0, Date.now() - since) / 1000);
    },
  });
}

export function createMetrics(sources: MetricsSources): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Counter({
    name: 'confide_store_transaction_retries_total',
    help: 'Store transactions retried after a serialization failure or deadlock.',
    registers: [registry],
    collect() {
      // A counter that mirrors the store's own count: set to it at each scrape.
      this.reset();
      this.inc(sources.storeRetries());
    },
  });
  if (sources.ledgerLag) ledgerLagGauges(registry, sources.ledgerLag);
  return {
    registry,
    requests: new Counter({ name: 'confide_http_requests_total', help: 'HTTP requests answered, by method, route template and status.', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    duration: new Histogram({
      name: 'confide_http_request_duration_seconds',
      help: 'Time from request to response, by method and route template.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    verifications: new Counter({ name: 'confide_verifications_total', help: 'Evidence verifications (POST /attest/{type}), by attestation type and outcome (ok, or the error code).', labelNames: ['tee', 'outcome'], registers: [registry] }),
    tokensIssued: new Counter({ name: 'confide_tokens_issued_total', help: 'Attestation tokens issued, by attestation type.', labelNames: ['tee'], registers: [registry] }),
    activations: new Counter({ name: 'confide_activations_total', help: 'Marble activations, by outcome (ok, or the error code).', labelNames: ['outcome'], registers: [registry] }),
    keyReleases: new Counter({ name: 'confide_key_releases_total', help: 'Key releases, by outcome (ok, or the error code).', labelNames: ['outcome'], registers: [registry] }),
    ledgerAppends: new Counter({ name: 'confide_ledger_appends_total', help: 'Ledger entries written (POST /app/transactions), by outcome (ok, or the error code).', labelNames: ['outcome'], registers: [registry] }),
  };
}
