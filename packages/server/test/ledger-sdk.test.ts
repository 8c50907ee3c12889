/**
 * Interop: the unmodified @azure-rest/confidential-ledger 1.0.0 (npm; the only version published)
 * against a spawned `confide serve --ledger-enabled true` over HTTPS. The client's source is the specification:
 * node_modules/@azure-rest/confidential-ledger/dist-esm/src/confidentialLedger.js pins `tlsOptions.ca`
 * to the identity certificate alone, getLedgerIdentity.js reads /ledgerIdentity/{ledgerId} from the
 * identity host with the default trust store, generated/src/confidentialLedger.js sends
 * api-version=2022-05-13, paginateHelper.js follows `nextLink` with pathUnchecked.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { pemEncode } from '@confide/core';
import { after, before, describe, it } from 'node:test';
import * as acl from '@azure-rest/confidential-ledger';
import { isUnexpected, paginate, type ConfidentialLedgerClient } from '@azure-rest/confidential-ledger';
import { verifyReceipt } from '@confide/ledger';
import { startServe, type Served } from '@confide/test-kit/process';
import { independentReceiptCheck } from './ledger-receipt-check.js';

const credential = { getToken: async () => ({ token: 'dev-token', expiresOnTimestamp: Date.now() + 3600_000 }) };
// A CommonJS package: its default export is module.exports.default.
const ConfidentialLedger = (acl as unknown as { default: { default: (endpoint: string, identity: string, credential: { getToken(): Promise<{ token: string; expiresOnTimestamp: number }> }, options?: object) => ConfidentialLedgerClient } }).default.default;
const ConfidentialLedgerNoCredential = ConfidentialLedger as unknown as (endpoint: string, identity: string, options?: object) => ConfidentialLedgerClient;
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** getLedgerIdentity trusts the platform's CAs only, so it runs in a child that trusts the dev CA (NODE_EXTRA_CA_CERTS is read at start). */
async function fetchIdentity(ledgerId: string, baseUrl: string, caCert: string): Promise<{ ledgerIdentityCertificate: string; ledgerId: string }> {
  const script = `const m = await import('@azure-rest/confidential-ledger'); const get = m.getLedgerIdentity ?? m.default.getLedgerIdentity; process.stdout.write(JSON.stringify(await get(${JSON.stringify(ledgerId)}, ${JSON.stringify(baseUrl)})));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: HERE, env: { ...process.env, NODE_EXTRA_CA_CERTS: caCert } });
  return JSON.parse(stdout) as { ledgerIdentityCertificate: string; ledgerId: string };
}

async function poll<T>(get: () => PromiseLike<T>, done: (v: T) => boolean, seen: T[] = []): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await get();
    seen.push(v);
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('not reached');
}

describe('@azure-rest/confidential-ledger against confide serve --ledger-enabled true', () => {
  let served: Served;
  let ledgerUrl: string;
  let identity: string;
  let client: ConfidentialLedgerClient;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-ledger-sdk-'));
    // The client runs with retries off so that every answer is seen, and Node 20's agent ignores the server's
    // `Keep-Alive: timeout=5` hint: a pooled socket left idle for the default 5 s (the receipt's bit flips below
    // block this process that long) can be reused just as the server closes it, a reset the client's default retry
    // policy would absorb. A long idle timeout takes that race out of this test; the idle close itself is tested in
    // security-limits.test.ts.
    served = await startServe(['--mode', 'dev', '--host', '127.0.0.1', '--port', '0', '--data-dir', dir, '--ledger-enabled', 'true', '--ledger-port', '0', '--ledger-id', 'interop', '--ledger-signature-interval-ms', '20', '--http-idle-timeout', '600000']);
    const line = served.output().stdout.split('\n').find((l) => l.includes('"event":"listening"'))!;
    ledgerUrl = (JSON.parse(line) as { ledgerUrl: string }).ledgerUrl;
    const fetched = await fetchIdentity('interop', served.url, served.caCert);
    assert.equal(fetched.ledgerId, 'interop');
    identity = fetched.ledgerIdentityCertificate;
    client = ConfidentialLedger(ledgerUrl, identity, credential, { retryOptions: { maxRetries: 0 } });
  });
  after(async () => {
    served.child.kill('SIGTERM');
    await served.exited;
  });

  it('the pinned identity is the only trust the client needs; the main listener (dev CA) is refused by it', async () => {
    assert.match(identity, /^-----BEGIN CERTIFICATE-----\n/);
    const other = ConfidentialLedger(served.url, identity, credential, { retryOptions: { maxRetries: 0 } });
    await assert.rejects(async () => other.path('/app/collections').get(), /certificate/i);
  });

  it('creates entries in the default and a named collection, reads them past Loading, status, receipts, current', async () => {
    const created = await client.path('/app/transactions').post({ body: { contents: 'first entry' } });
    assert.equal(created.status, '200');
    if (isUnexpected(created)) throw new Error('unexpected');
    assert.equal(created.body.collectionId, 'subledger:0');
    const id = created.headers['x-ms-ccf-transaction-id']!;
    assert.match(id, /^2\.\d+$/);
    const named = await client.path('/app/transactions').post({ body: { contents: 'audit entry' }, queryParameters: { collectionId: 'audit' } });
    assert.equal(named.status, '200');
    const namedId = named.headers['x-ms-ccf-transaction-id']!;

    const reads: Array<{ status: string; body: unknown }> = [];
    const entry = await poll(
      () => client.path('/app/transactions/{transactionId}', namedId).get({ queryParameters: { collectionId: 'audit' } }),
      (r) => r.status === '200' && (r.body as { state: string }).state === 'Ready',
      reads as never[],
    );
    assert.deepEqual(reads[0]!.body, { state: 'Loading' });
    const firstRead = await client.path('/app/transactions/{transactionId}', id).get();
    assert.deepEqual(firstRead.body, { state: 'Loading' }, 'an entry not read before is Loading, as the service answers');
    assert.deepEqual(entry.body, { state: 'Ready', entry: { contents: 'audit entry', collectionId: 'audit', transactionId: namedId } });

    const status = await poll(() => client.path('/app/transactions/{transactionId}/status', id).get(), (r) => (r.body as { state: string }).state === 'Committed');
    assert.deepEqual(status.body, { state: 'Committed', transactionId: id });
    const receipt = await poll(() => client.path('/app/transactions/{transactionId}/receipt', id).get(), (r) => (r.body as { state: string }).state === 'Ready');
    // The client parsed the JSON; the service's text has no white space, so stringify gives it back byte for byte.
    const text = JSON.stringify(receipt.body);
    const verified = await verifyReceipt(text, { serviceIdentity: identity });
    assert.equal(verified.transactionId, id);
    independentReceiptCheck(text, identity, id);
    // Every single-bit change to the receipt document fails both checks.
    const bytes = Buffer.from(text, 'utf8');
    let flips = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const changed = Buffer.from(bytes);
        changed[i]! ^= 1 << bit;
        const t = changed.toString('utf8');
        assert.throws(() => independentReceiptCheck(t, identity, id), Error, `independent check accepted a flip at byte ${i} bit ${bit}`);
        flips++;
      }
    }
    for (let i = 0; i < bytes.length; i += 7) {
      const changed = Buffer.from(bytes);
      changed[i]! ^= 1 << i % 8;
      await assert.rejects(verifyReceipt(changed.toString('utf8'), { serviceIdentity: identity }), Error, `verifyReceipt accepted a flip at byte ${i}`);
    }
    assert.ok(flips > 4000);

    const current = await client.path('/app/transactions/current').get();
    assert.deepEqual(current.body, { contents: 'audit entry', collectionId: 'audit', transactionId: namedId });
    const currentDefault = await client.path('/app/transactions/current').get({ queryParameters: { collectionId: 'subledger:0' } });
    assert.equal((currentDefault.body as { transactionId: string }).transactionId, id);
  });

  it('ranged reads and collections with nextLink paging (paginate), and errors in the service shape', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 130; i++) {
      const r = await client.path('/app/transactions').post({ body: { contents: `page ${i}` }, queryParameters: { collectionId: 'paged' } });
      ids.push(r.headers['x-ms-ccf-transaction-id']!);
    }
    const first = await client.path('/app/transactions').get({ queryParameters: { collectionId: 'paged', fromTransactionId: ids[0], toTransactionId: ids.at(-1) } });
    assert.equal(first.status, '200');
    assert.equal(typeof (first.body as { nextLink?: string }).nextLink, 'string', 'more than one page');
    const contents: string[] = [];
    for await (const e of paginate(client, first)) contents.push((e as { contents: string }).contents);
    assert.deepEqual(contents, ids.map((_, i) => `page ${i}`));

    const collections = await client.path('/app/collections').get();
    assert.deepEqual(collections.body, { collections: [{ collectionId: 'subledger:0' }, { collectionId: 'audit' }, { collectionId: 'paged' }] });
    // More collections than a page (100): paginate follows the nextLink.
    await Promise.all(Array.from({ length: 100 }, (_, i) => client.path('/app/transactions').post({ body: { contents: 'c' }, queryParameters: { collectionId: `c${i}` } })));
    const firstPage = await client.path('/app/collections').get();
    assert.equal((firstPage.body as { nextLink?: string }).nextLink, '/app/collections?from=100');
    const names: string[] = [];
    for await (const c of paginate(client, firstPage)) names.push((c as { collectionId: string }).collectionId);
    assert.equal(names.length, 103);
    assert.deepEqual(names.slice(0, 3), ['subledger:0', 'audit', 'paged']);
    assert.deepEqual(new Set(names.slice(3)), new Set(Array.from({ length: 100 }, (_, i) => `c${i}`)));

    const bad = await client.path('/app/transactions/{transactionId}', 'not-an-id').get();
    assert.equal(bad.status, '400');
    assert.ok(isUnexpected(bad));
    assert.equal((bad.body as { error: { code: string; innererror: { code: string } } }).error.innererror.code, 'ERR_LEDGER_TRANSACTION_ID_INVALID');
  });

  it('a client certificate alone authenticates over the ledger listener (no credential, as the client allows); without one, 401', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=ledger user', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3600_000), keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
    const key = pemEncode('PRIVATE KEY', new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)));
    const withCert = ConfidentialLedgerNoCredential(ledgerUrl, identity, { tlsOptions: { cert: cert.toString('pem'), key }, retryOptions: { maxRetries: 0 } });
    const res = await withCert.path('/app/transactions').post({ body: { contents: 'by certificate' } });
    assert.equal(res.status, '200', 'dev mode takes any client certificate as an Administrator');
    const without = ConfidentialLedgerNoCredential(ledgerUrl, identity, { retryOptions: { maxRetries: 0 } });
    const refused = await without.path('/app/collections').get();
    assert.equal(refused.status, '401');
    assert.equal((refused.body as { error: { innererror: { code: string } } }).error.innererror.code, 'ERR_UNAUTHENTICATED');
  });

  it('users: PATCH, GET, DELETE through the client', async () => {
    const userId = '6f0b3c9e-2a41-4d7b-9e55-0c1d2e3f4a5b';
    const set = await client.path('/app/users/{userId}', userId).patch({ body: { assignedRole: 'Reader' }, contentType: 'application/merge-patch+json' });
    assert.equal(set.status, '200');
    assert.deepEqual(set.body, { assignedRole: 'Reader', userId });
    assert.deepEqual((await client.path('/app/users/{userId}', userId).get()).body, { assignedRole: 'Reader', userId });
    const del = await client.path('/app/users/{userId}', userId).delete();
    assert.equal(del.status, '204');
    assert.equal((await client.path('/app/users/{userId}', userId).get()).status, '404');
  });
});
