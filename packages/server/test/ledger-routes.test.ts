/**
 * The Confidential Ledger routes in process, in the shapes @azure-rest/confidential-ledger 1.0.0
 * sends and reads (node_modules/@azure-rest/confidential-ledger/types/confidential-ledger.d.ts,
 * api-version 2022-05-13; the interop test drives the client itself): appends with the
 * transaction id header, Loading then Ready, status, receipts, current, ranged reads with
 * nextLink, collections, the identity document, and every refusal with its code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyReceipt } from '@confide/ledger';
import { ledgerApp, until, type LedgerApp } from './ledger-helpers.js';
import { ledgerErrorCode } from '../src/routes/ledger/errors.js';
import { httpStatusOf } from '../src/plugins/http-status.js';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;
const errorOf = (r: { body: string }) => {
  const e = json(r)['error'];
  return { code: e.code as string, inner: e.innererror.code as string };
};

describe('ledger routes', () => {
  let l: LedgerApp;
  let namedId = '';
  before(async () => {
    l = await ledgerApp({ pageSize: 10 });
  });
  after(() => l.close());
  const post = (contents: unknown, collectionId?: string) =>
    l.app.inject({ method: 'POST', url: `/app/transactions?api-version=2022-05-13${collectionId === undefined ? '' : `&collectionId=${encodeURIComponent(collectionId)}`}`, headers: { authorization: 'Bearer any' }, payload: { contents } });
  const get = (url: string) => l.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer any' } });

  it('appends: the transaction id in x-ms-ccf-transaction-id, the collection in the body; then Loading, Ready, Pending, Committed and a receipt that verifies', async () => {
    const first = await post('hello');
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['x-ms-ccf-transaction-id'], '2.1');
    assert.deepEqual(json(first), { collectionId: 'subledger:0' });
    const named = await post('in a collection', 'audit');
    assert.deepEqual(json(named), { collectionId: 'audit' });
    const id = named.headers['x-ms-ccf-transaction-id'] as string;
    namedId = id;

    assert.deepEqual(json(await get(`/app/transactions/${id}?api-version=2022-05-13`)), { state: 'Loading' });
    assert.deepEqual(json(await get(`/app/transactions/${id}?api-version=2022-05-13`)), { state: 'Ready', entry: { contents: 'in a collection', collectionId: 'audit', transactionId: id } });
    assert.deepEqual(json(await get(`/app/transactions/${id}?collectionId=audit`))['state'], 'Ready');
    const wrongCollection = await get(`/app/transactions/${id}?collectionId=other`);
    assert.equal(wrongCollection.statusCode, 404);
    assert.deepEqual(errorOf(wrongCollection), { code: 'TransactionNotFound', inner: 'ERR_LEDGER_TRANSACTION_NOT_FOUND' });

    await until(async () => json(await get(`/app/transactions/${id}/status`))['state'] === 'Committed');
    assert.deepEqual(json(await get(`/app/transactions/${id}/status`)), { state: 'Committed', transactionId: id });
    const receipt = json(await get(`/app/transactions/${id}/receipt?api-version=2022-05-13`));
    assert.equal(receipt['state'], 'Ready');
    const verified = await verifyReceipt(receipt, { serviceIdentity: l.identity.serviceCertificatePem });
    assert.equal(verified.transactionId, id);
    assert.equal(verified.claimsChecked, true);
  });

  it('a receipt is Loading while its entry is Pending', async () => {
    const slow = await ledgerApp({ intervalMs: 60_000 });
    try {
      const res = await slow.app.inject({ method: 'POST', url: '/app/transactions', headers: { authorization: 'Bearer x' }, payload: { contents: 'p' } });
      const id = res.headers['x-ms-ccf-transaction-id'] as string;
      const status = await slow.app.inject({ method: 'GET', url: `/app/transactions/${id}/status`, headers: { authorization: 'Bearer x' } });
      assert.deepEqual(json(status), { state: 'Pending', transactionId: id });
      for (let i = 0; i < 2; i++) {
        const r = await slow.app.inject({ method: 'GET', url: `/app/transactions/${id}/receipt`, headers: { authorization: 'Bearer x' } });
        assert.deepEqual(json(r), { state: 'Loading', transactionId: id });
      }
    } finally {
      await slow.close();
    }
  });

  it('current, collections, and ranged reads paged by nextLink (the client adds its own api-version to a nextLink)', async () => {
    for (let i = 0; i < 25; i++) await post(`r${i}`, i % 2 ? 'odd' : 'even');
    assert.equal(json(await get('/app/transactions/current'))['contents'], 'r24');
    assert.equal(json(await get('/app/transactions/current?collectionId=odd'))['contents'], 'r23');
    assert.deepEqual(json(await get('/app/collections?api-version=2022-05-13')), { collections: [{ collectionId: 'subledger:0' }, { collectionId: 'audit' }, { collectionId: 'even' }, { collectionId: 'odd' }] });

    const seen: string[] = [];
    let url: string | undefined = '/app/transactions?api-version=2022-05-13&collectionId=even';
    let pages = 0;
    while (url) {
      const page = json(await get(url));
      assert.equal(page['state'], 'Ready');
      for (const e of page['entries']) seen.push(e.contents);
      url = page['nextLink'] === undefined ? undefined : `${page['nextLink']}&api-version=2022-05-13`;
      pages++;
    }
    assert.deepEqual(seen, Array.from({ length: 13 }, (_, i) => `r${i * 2}`));
    assert.equal(pages, 2);

    const all = json(await get('/app/transactions'));
    assert.equal(all['entries'].length, 10);
    assert.match(all['nextLink'], /^\/app\/transactions\?fromTransactionId=2\.\d+&toTransactionId=2\.\d+$/);
    const window = json(await get(`/app/transactions?fromTransactionId=2.1&toTransactionId=${namedId}`));
    assert.deepEqual(window['entries'].map((e: { contents: string }) => e.contents), ['hello', 'in a collection']);
    assert.equal(window['nextLink'], undefined);
    // An id of an earlier view lies before every transaction, one of a later view after every one.
    const acrossViews = json(await get(`/app/transactions?fromTransactionId=1.99&toTransactionId=${namedId}`));
    assert.deepEqual(acrossViews['entries'].map((e: { contents: string }) => e.contents), ['hello', 'in a collection']);
    assert.deepEqual(json(await get('/app/transactions?fromTransactionId=3.1'))['entries'], []);
    assert.deepEqual(json(await get('/app/transactions?toTransactionId=1.99'))['entries'], []);
  });

  it('/app/collections is paged by nextLink (from: a collection index), in the order of each collection\'s first entry', async () => {
    const before = json(await get('/app/collections'))['collections'].map((c: { collectionId: string }) => c.collectionId) as string[];
    for (let i = 0; i < 12; i++) await post(`c${i}`, `paging-${i}`);
    const seen: string[] = [];
    const links: string[] = [];
    let url: string | undefined = '/app/collections?api-version=2022-05-13';
    while (url) {
      const page = json(await get(url));
      assert.ok(page['collections'].length <= 10);
      seen.push(...page['collections'].map((c: { collectionId: string }) => c.collectionId));
      if (page['nextLink'] !== undefined) links.push(page['nextLink']);
      url = page['nextLink'] === undefined ? undefined : `${page['nextLink']}&api-version=2022-05-13`;
    }
    assert.deepEqual(seen, [...before, ...Array.from({ length: 12 }, (_, i) => `paging-${i}`)]);
    assert.deepEqual(links, ['/app/collections?from=10']);
    assert.deepEqual(json(await get(`/app/collections?from=${seen.length}`)), { collections: [] });
    for (const from of ['-1', '01', 'x', '1e3', '']) {
      const res = await get(`/app/collections?from=${from}`);
      assert.equal(res.statusCode, 400, from);
      assert.deepEqual(errorOf(res), { code: 'InvalidQueryParameterValue', inner: 'ERR_LEDGER_RANGE_INVALID' });
    }
  });

  it('refuses bad input with the ledger error shape and a stable code, never a 500', async () => {
    // The first seqno no entry has is a signature transaction.
    const entrySeqnos = new Set((json(await get('/app/transactions?toTransactionId=2.12'))['entries'] as Array<{ transactionId: string }>).map((e) => Number(e.transactionId.split('.')[1])));
    const signatureId = `2.${[...Array(12).keys()].map((i) => i + 1).find((n) => !entrySeqnos.has(n))}`;
    const cases: Array<[Promise<{ statusCode: number; body: string }>, number, string, string]> = [
      [get('/app/transactions/abc'), 400, 'InvalidInput', 'ERR_LEDGER_TRANSACTION_ID_INVALID'],
      [get('/app/transactions/2.01'), 400, 'InvalidInput', 'ERR_LEDGER_TRANSACTION_ID_INVALID'],
      [get('/app/transactions/2.99999/status'), 404, 'TransactionNotFound', 'ERR_LEDGER_TRANSACTION_NOT_FOUND'],
      [get('/app/transactions/7.1'), 404, 'TransactionNotFound', 'ERR_LEDGER_TRANSACTION_NOT_FOUND'],
      [get(`/app/transactions/${signatureId}/receipt`), 404, 'TransactionNotFound', 'ERR_LEDGER_TRANSACTION_NOT_FOUND'],
      [get(`/app/transactions/${signatureId}`), 404, 'TransactionNotFound', 'ERR_LEDGER_TRANSACTION_NOT_FOUND'],
      [get('/app/transactions?fromTransactionId=2.5&toTransactionId=2.2'), 400, 'InvalidQueryParameterValue', 'ERR_LEDGER_RANGE_INVALID'],
      [get('/app/transactions?fromTransactionId=3.1&toTransactionId=2.9'), 400, 'InvalidQueryParameterValue', 'ERR_LEDGER_RANGE_INVALID'],
      [get('/app/transactions?fromTransactionId=x'), 400, 'InvalidInput', 'ERR_LEDGER_TRANSACTION_ID_INVALID'],
      [get('/app/transactions?fromTransactionId=2.1&fromTransactionId=2.2'), 400, 'InvalidInput', 'ERR_VALIDATION'],
      [get('/app/transactions/current?collectionId=nothing-here'), 404, 'TransactionNotFound', 'ERR_LEDGER_TRANSACTION_NOT_FOUND'],
      [post('x'.repeat(1025)), 413, 'RequestBodyTooLarge', 'ERR_LEDGER_ENTRY_TOO_LARGE'],
      [post('é'.repeat(513)), 413, 'RequestBodyTooLarge', 'ERR_LEDGER_ENTRY_TOO_LARGE'], // 1026 UTF-8 bytes
      [l.app.inject({ method: 'POST', url: '/app/transactions', headers: { authorization: 'Bearer a' }, payload: { content: 'misspelt' } }), 400, 'InvalidInput', 'ERR_VALIDATION'],
      [post({ nested: true }), 400, 'InvalidInput', 'ERR_VALIDATION'],
      [post('ok', ''), 400, 'InvalidInput', 'ERR_LEDGER_COLLECTION_ID_INVALID'],
      [post('ok', 'tab\there'), 400, 'InvalidInput', 'ERR_LEDGER_COLLECTION_ID_INVALID'],
      [post('ok', 'c'.repeat(257)), 400, 'InvalidInput', 'ERR_LEDGER_COLLECTION_ID_INVALID'],
      [l.app.inject({ method: 'POST', url: '/app/transactions', headers: { authorization: 'Bearer a', 'content-type': 'application/json' }, payload: '{"contents":' }), 400, 'InvalidInput', 'ERR_BODY_MALFORMED'],
      [l.app.inject({ method: 'POST', url: '/app/transactions', headers: { authorization: 'Bearer a', 'content-type': 'application/xml' }, payload: '<x/>' }), 415, 'UnsupportedContentType', 'ERR_UNSUPPORTED_MEDIA_TYPE'],
      [get('/app/nothing'), 404, 'ResourceNotFound', 'ERR_NOT_FOUND'],
      [get('/app/transactions/2.1/nothing'), 404, 'ResourceNotFound', 'ERR_NOT_FOUND'],
      [get('/ledgerIdentity/another-ledger'), 404, 'ResourceNotFound', 'ERR_NOT_FOUND'],
      [l.app.inject({ method: 'GET', url: '/app/collections' }), 401, 'InvalidAuthenticationInfo', 'ERR_UNAUTHENTICATED'],
      [l.app.inject({ method: 'GET', url: '/app/collections', headers: { authorization: 'Basic x' } }), 401, 'InvalidAuthenticationInfo', 'ERR_UNAUTHENTICATED'],
    ];
    for (const [pending, status, code, inner] of cases) {
      const res = await pending;
      assert.equal(res.statusCode, status, res.body);
      assert.deepEqual(errorOf(res), { code, inner }, res.body);
    }
  });

  it('names a stopped writer ServiceUnavailable (503, retryable), any other fault InternalError', () => {
    assert.equal(ledgerErrorCode({ code: 'ERR_LEDGER_WRITER_FAILED', status: httpStatusOf('ERR_LEDGER_WRITER_FAILED'), message: '' }), 'ServiceUnavailable');
    assert.equal(ledgerErrorCode({ code: 'ERR_INTERNAL', status: 500, message: '' }), 'InternalError');
  });

  it('serves the identity document as getLedgerIdentity reads it, without credentials', async () => {
    const res = await l.app.inject({ method: 'GET', url: '/ledgerIdentity/test-ledger' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res), { ledgerId: 'test-ledger', ledgerTlsCertificate: l.identity.serviceCertificatePem });
  });
});
