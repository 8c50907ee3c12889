import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex, type Clock } from '@confide/core';
import { onlineCollateral, parseDcapQvlCollateral, type FetchLike } from '../src/index.js';
import { pemCertificates } from '../src/collateral/pem.js';
import { assertSameIntelCollateral } from './collateral-assert.js';
import { vector, vectorText, vectorsMissing } from '@confide/test-kit/vectors';

const TINFOIL = 'tdx/tinfoilsh-verifier-collateral';
const PCS = 'https://api.trustedservices.intel.com';
const ROOT_CRL = 'https://certificates.trustedservices.intel.com/IntelSGXRootCA.der';
const KDS = 'https://kdsintf.amd.com';

interface Served {
  status?: number;
  body: Uint8Array | string;
  headers?: Record<string, string>;
}

/** A fake fetch that serves a fixed map of URLs and records every request. */
function fakeFetch(routes: Record<string, Served>): { fetch: FetchLike; calls: string[] } {
  const calls: string[] = [];
  const fetch: FetchLike = async (url) => {
    calls.push(url);
    const r = routes[url];
    if (!r) return new Response('not found', { status: 404 });
    const body = typeof r.body === 'string' ? r.body : new Uint8Array(r.body);
    return new Response(body, { status: r.status ?? 200, headers: r.headers ?? {} });
  };
  return { fetch, calls };
}

function movableClock(iso: string): Clock & { set(iso: string): void } {
  let t = new Date(iso);
  return { now: () => new Date(t.getTime()), set: (v) => (t = new Date(v)) };
}

function intelRoutes(base = PCS): Record<string, Served> {
  return {
    [`${base}/tdx/certification/v4/tcb?fmspc=90c06f000000`]: {
      body: vectorText(`${TINFOIL}/tcb_info_90c06f000000.json`),
      headers: { 'TCB-Info-Issuer-Chain': vectorText(`${TINFOIL}/tcb_info_90c06f000000_chain.txt`).trim() },
    },
    [`${base}/tdx/certification/v4/qe/identity`]: {
      body: vectorText(`${TINFOIL}/qe_identity.json`),
      headers: { 'SGX-Enclave-Identity-Issuer-Chain': vectorText(`${TINFOIL}/qe_identity_chain.txt`).trim() },
    },
    [`${base}/sgx/certification/v4/pckcrl?ca=platform&encoding=der`]: {
      body: vector(`${TINFOIL}/pck_crl_platform.crl`),
      headers: { 'SGX-PCK-CRL-Issuer-Chain': vectorText(`${TINFOIL}/pck_crl_platform_chain.txt`).trim() },
    },
    [ROOT_CRL]: { body: vector(`${TINFOIL}/root_ca.crl`) },
  };
}

const TDX_REQ = { tee: 'tdx', fmspc: '90C06F000000', ca: 'platform' } as const;

test('Intel PCS v4: paths and parameters, exact bodies, decoded chains', { skip: vectorsMissing }, async () => {
  const { fetch, calls } = fakeFetch(intelRoutes());
  const p = onlineCollateral({ fetch, clock: movableClock('2026-01-13T00:00:00Z') });
  const got = await p.intel(TDX_REQ);
  assert.deepEqual([...calls].sort(), Object.keys(intelRoutes()).sort());
  const want = parseDcapQvlCollateral(vectorText(`${TINFOIL}/collateral_dcap_qvl_format_90c06f000000_platform.json`));
  assertSameIntelCollateral(got, want);
});

test('a configured base URL (a PCCS) and root CRL URL are used', { skip: vectorsMissing }, async () => {
  const base = 'https://pccs.example:8081';
  const routes = intelRoutes(base);
  routes['https://pccs.example:8081/rootcrl'] = routes[ROOT_CRL]!;
  delete routes[ROOT_CRL];
  const { fetch, calls } = fakeFetch(routes);
  const p = onlineCollateral({ fetch, intelBaseUrl: `${base}/`, intelRootCaCrlUrl: `${base}/rootcrl`, clock: movableClock('2026-01-13T00:00:00Z') });
  assert.ok(await p.intel(TDX_REQ));
  assert.deepEqual([...calls].sort(), Object.keys(routes).sort());
});

test('the cache serves repeats, honours each nextUpdate, and shares concurrent fetches', { skip: vectorsMissing }, async () => {
  const { fetch, calls } = fakeFetch(intelRoutes());
  const clock = movableClock('2026-01-13T00:00:00Z');
  const p = onlineCollateral({ fetch, clock });
  const [a, b] = await Promise.all([p.intel(TDX_REQ), p.intel(TDX_REQ)]);
  assert.equal(calls.length, 4);
  assert.equal(a?.tcbInfo.body, b?.tcbInfo.body);
  await p.intel(TDX_REQ);
  assert.equal(calls.length, 4);
  // TCB Info nextUpdate 2026-02-11T15:46:45Z; PCK CRL 15:52:37Z; QE Identity 16:03:13Z; root CRL 2026-04-03.
  clock.set('2026-02-11T15:50:00Z');
  await p.intel(TDX_REQ);
  assert.deepEqual(calls.slice(4), [`${PCS}/tdx/certification/v4/tcb?fmspc=90c06f000000`]);
  // The refetched TCB Info is still past its nextUpdate (a stale upstream): kept for staleRetryMs (60 s).
  clock.set('2026-02-11T15:50:59Z');
  await p.intel(TDX_REQ);
  assert.equal(calls.length, 5);
  clock.set('2026-02-11T16:00:00Z');
  await p.intel(TDX_REQ);
  assert.deepEqual(calls.slice(5).sort(), [`${PCS}/sgx/certification/v4/pckcrl?ca=platform&encoding=der`, `${PCS}/tdx/certification/v4/tcb?fmspc=90c06f000000`]);
  clock.set('2026-04-04T00:00:00Z');
  await p.intel(TDX_REQ);
  assert.equal(calls.length, 7 + 4);
});

test('HTTP errors throw ERR_COLLATERAL_FETCH_FAILED with the URL and status', { skip: vectorsMissing }, async () => {
  const routes = intelRoutes();
  routes[`${PCS}/tdx/certification/v4/qe/identity`] = { status: 503, body: 'busy' };
  const p = onlineCollateral({ fetch: fakeFetch(routes).fetch, clock: movableClock('2026-01-13T00:00:00Z') });
  await assert.rejects(p.intel(TDX_REQ), {
    code: 'ERR_COLLATERAL_FETCH_FAILED',
    details: { url: `${PCS}/tdx/certification/v4/qe/identity`, status: 503 },
  });
  // A fresh provider: the first remembers its failure and would answer with it at once.
  const q = onlineCollateral({ fetch: fakeFetch(routes).fetch, clock: movableClock('2026-01-13T00:00:00Z') });
  await assert.rejects(q.intel({ ...TDX_REQ, fmspc: '000000000000' }), { code: 'ERR_COLLATERAL_FETCH_FAILED', details: { url: `${PCS}/tdx/certification/v4/tcb?fmspc=000000000000`, status: 404 } });
});

test('credentials in a base URL never reach error details', async () => {
  const p = onlineCollateral({ fetch: async () => new Response('', { status: 401 }), intelBaseUrl: 'https://user:secret@pccs.example' });
  await assert.rejects(p.intel(TDX_REQ), (err: { code: string; message: string; details: { url: string } }) => {
    assert.equal(err.code, 'ERR_COLLATERAL_FETCH_FAILED');
    assert.equal(err.details.url.includes('secret'), false);
    assert.equal(err.message.includes('secret'), false);
    return true;
  });
});

test('a missing issuer-chain header throws ERR_COLLATERAL_MALFORMED', { skip: vectorsMissing }, async () => {
  const routes = intelRoutes();
  routes[`${PCS}/tdx/certification/v4/tcb?fmspc=90c06f000000`]!.headers = {};
  const p = onlineCollateral({ fetch: fakeFetch(routes).fetch, clock: movableClock('2026-01-13T00:00:00Z') });
  await assert.rejects(p.intel(TDX_REQ), { code: 'ERR_COLLATERAL_MALFORMED' });
});

test('a slow server times out with ERR_COLLATERAL_FETCH_FAILED', async () => {
  const hang: FetchLike = (_url, init) =>
    new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
  const p = onlineCollateral({ fetch: hang, timeoutMs: 20 });
  await assert.rejects(p.intel(TDX_REQ), { code: 'ERR_COLLATERAL_FETCH_FAILED' });
  const down: FetchLike = async () => {
    throw new TypeError('fetch failed');
  };
  await assert.rejects(onlineCollateral({ fetch: down }).amd({ product: 'Milan', keyType: 'vcek', chipId: 'ab'.repeat(64), reportedTcb: '00'.repeat(8) }), {
    code: 'ERR_COLLATERAL_FETCH_FAILED',
  });
});

function snp(reportPath: string): { chipId: string; reportedTcb: string } {
  const r = vector(reportPath);
  return { reportedTcb: toHex(r.subarray(0x180, 0x188)), chipId: toHex(r.subarray(0x1a0, 0x1e0)) };
}

test('AMD KDS: VCEK URL with the SPLs, chain and CRL; the VCEK is kept', { skip: vectorsMissing }, async () => {
  const { chipId, reportedTcb } = snp('sev-snp/google-go-sev-guest/attestation.bin');
  const vcekUrl = `${KDS}/vcek/v1/Milan/${chipId}?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68`;
  const crl = vector('sgx/mobilecoin-attestation/root_crl.der'); // any CRL: the provider does not judge it
  const { fetch, calls } = fakeFetch({
    [vcekUrl]: { body: vector('sev-snp/google-go-sev-guest/vcek.der') },
    [`${KDS}/vcek/v1/Milan/cert_chain`]: { body: vectorText('sev-snp/amd-roots-go-sev-guest/ask_ark_milan.pem') },
    [`${KDS}/vcek/v1/Milan/crl`]: { body: crl },
  });
  const p = onlineCollateral({ fetch, clock: movableClock('2023-07-13T00:00:00Z') });
  const got = await p.amd({ product: 'Milan', keyType: 'vcek', chipId, reportedTcb });
  assert.ok(got);
  assert.deepEqual(got.vek, vector('sev-snp/google-go-sev-guest/vcek.der'));
  assert.deepEqual(got.chain?.map(toHex), pemCertificates(vectorText('sev-snp/amd-roots-go-sev-guest/ask_ark_milan.pem')).map(toHex));
  assert.deepEqual(got.crl, crl);
  assert.equal(calls.length, 3);
  // Years later the VCEK and chain are still served from the cache; the CRL is past its nextUpdate.
  const clock = movableClock('2023-07-13T00:00:00Z');
  const q = onlineCollateral({ fetch, clock });
  await q.amd({ product: 'Milan', keyType: 'vcek', chipId, reportedTcb });
  clock.set('2030-01-01T00:00:00Z');
  await q.amd({ product: 'Milan', keyType: 'vcek', chipId, reportedTcb });
  assert.deepEqual(calls.slice(6), [`${KDS}/vcek/v1/Milan/crl`]);
});

test('AMD KDS: Turin uses the 8-byte hardware ID and fmcSPL', { skip: vectorsMissing }, async () => {
  const { chipId, reportedTcb } = snp('sev-snp/project-oak/turin_snp_report.bin');
  const url = `${KDS}/vcek/v1/Turin/3b42092f69c656d3?fmcSPL=0&blSPL=1&teeSPL=0&snpSPL=2&ucodeSPL=71`;
  const { fetch, calls } = fakeFetch({
    [url]: { body: vector('sev-snp/project-oak/turin_vcek.der') },
    [`${KDS}/vcek/v1/Turin/cert_chain`]: { body: vectorText('sev-snp/amd-roots-go-sev-guest/ask_ark_turin_vcek.pem') },
  });
  const p = onlineCollateral({ fetch, amdCrl: false, amdBaseUrl: `${KDS}/` });
  // Product unknown: a chip ID that is zero past 8 bytes is a Turin hardware ID.
  const got = await p.amd({ product: undefined, keyType: 'vcek', chipId, reportedTcb });
  assert.deepEqual(got?.vek, vector('sev-snp/project-oak/turin_vcek.der'));
  assert.deepEqual([...calls].sort(), [url, `${KDS}/vcek/v1/Turin/cert_chain`].sort());
});

test('AMD KDS: with the product unknown, Milan then Genoa are tried', { skip: vectorsMissing }, async () => {
  const { chipId, reportedTcb } = snp('sev-snp/project-oak/genoa_snp_report.bin');
  const genoa = `${KDS}/vcek/v1/Genoa/${chipId}?blSPL=10&teeSPL=0&snpSPL=25&ucodeSPL=84`;
  const { fetch, calls } = fakeFetch({
    [genoa]: { body: vector('sev-snp/project-oak/genoa_vcek.der') },
    [`${KDS}/vcek/v1/Genoa/cert_chain`]: { body: vectorText('sev-snp/amd-roots-go-sev-guest/ask_ark_genoa.pem') },
  });
  const p = onlineCollateral({ fetch, amdCrl: false });
  const got = await p.amd({ product: undefined, keyType: 'vcek', chipId, reportedTcb });
  assert.deepEqual(got?.vek, vector('sev-snp/project-oak/genoa_vcek.der'));
  assert.equal(calls[0], `${KDS}/vcek/v1/Milan/${chipId}?blSPL=10&teeSPL=0&snpSPL=25&ucodeSPL=84`);
  assert.equal(calls[1], genoa);
  // With the product known, a 404 is final.
  await assert.rejects(p.amd({ product: 'Milan', keyType: 'vcek', chipId, reportedTcb }), (err: { code: string; details: { status: number } }) => {
    assert.equal(err.code, 'ERR_COLLATERAL_FETCH_FAILED');
    assert.equal(err.details.status, 404);
    return true;
  });
});

test('AMD: VLEKs and masked chip IDs are not fetched', async () => {
  const { fetch, calls } = fakeFetch({});
  const p = onlineCollateral({ fetch });
  assert.equal(await p.amd({ product: 'Milan', keyType: 'vlek', chipId: 'ab'.repeat(64), reportedTcb: '00'.repeat(8) }), undefined);
  assert.equal(await p.amd({ product: 'Milan', keyType: 'vcek', chipId: '00'.repeat(64), reportedTcb: '00'.repeat(8) }), undefined);
  assert.equal(calls.length, 0);
});

/** Rejects with ERR_COLLATERAL_FETCH_FAILED whose details hold `detail` (among others). */
async function fetchFails(p: Promise<unknown>, detail: Record<string, unknown> = {}): Promise<void> {
  await assert.rejects(p, (err: { code: string; details: Record<string, unknown> }) => {
    assert.equal(err.code, 'ERR_COLLATERAL_FETCH_FAILED');
    for (const [k, v] of Object.entries(detail)) assert.equal(err.details[k], v, k);
    return true;
  });
}

const junkChip = (i: number): string => (i + 1).toString(16).padStart(8, '0').repeat(16);
const JUNK_TCB = '00'.repeat(8);

test('junk evidence cannot make the provider fetch without end: failures are remembered, fetches limited a minute', async () => {
  const { fetch, calls } = fakeFetch({});
  const clock = movableClock('2026-01-13T00:00:00Z');
  const p = onlineCollateral({ fetch, clock, maxFetchesPerMinute: 10 });
  for (let i = 0; i < 3; i++) {
    await fetchFails(p.amd({ product: 'Milan', keyType: 'vcek', chipId: junkChip(0), reportedTcb: JUNK_TCB }), { status: 404 });
  }
  assert.equal(calls.length, 1, 'a URL that failed is not asked again within failureRetryMs');
  for (let i = 1; i < 200; i++) {
    await fetchFails(p.amd({ product: 'Milan', keyType: 'vcek', chipId: junkChip(i), reportedTcb: JUNK_TCB }));
  }
  assert.equal(calls.length, 10, '200 distinct junk reports cost 10 fetches');
  await fetchFails(p.amd({ product: 'Milan', keyType: 'vcek', chipId: junkChip(500), reportedTcb: JUNK_TCB }), { limited: true });
  clock.set('2026-01-13T00:01:01Z');
  await fetchFails(p.amd({ product: 'Milan', keyType: 'vcek', chipId: junkChip(0), reportedTcb: JUNK_TCB }), { status: 404 });
  assert.equal(calls.length, 11, 'after a minute the budget and the remembered failure are renewed');
});

test('fetches in flight are limited', async () => {
  let calls = 0;
  const release: Array<() => void> = [];
  const slow: FetchLike = () => {
    calls += 1;
    return new Promise((resolve) => release.push(() => resolve(new Response('gone', { status: 410 }))));
  };
  const p = onlineCollateral({ fetch: slow, maxConcurrentFetches: 2 });
  const asks = Array.from({ length: 5 }, (_, i) => p.amd({ product: 'Milan', keyType: 'vcek', chipId: junkChip(i), reportedTcb: JUNK_TCB }));
  const settled = Promise.allSettled(asks);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(calls, 2);
  for (const r of release) r();
  const results = await settled;
  assert.equal(results.filter((r) => r.status === 'rejected' && (r.reason as { details?: { limited?: boolean } }).details?.limited === true).length, 3);
});

test('the cache is bounded: the oldest document is fetched again', async () => {
  const calls: string[] = [];
  const der = (i: number) => Uint8Array.of(0x30, 0x03, 0x02, 0x01, i);
  const fetch: FetchLike = async (url) => {
    calls.push(url);
    const m = /\/Milan\/([0-9a-f]+)\?/.exec(url);
    return m ? new Response(der(parseInt(m[1]!.slice(0, 8), 16))) : new Response('-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n');
  };
  const p = onlineCollateral({ fetch, amdCrl: false, maxCacheEntries: 3 });
  const ask = (i: number) => p.amd({ product: 'Milan', keyType: 'vcek', chipId: junkChip(i), reportedTcb: JUNK_TCB });
  await ask(0);
  await ask(1);
  assert.equal(calls.length, 3, 'two VCEKs and the shared chain');
  await ask(0);
  assert.equal(calls.length, 3, 'a repeat is served from the cache');
  await ask(2); // the fourth entry pushes out the oldest: chip 0
  assert.equal(calls.length, 4);
  await ask(1);
  assert.equal(calls.length, 4, 'chip 1 and the chain are still cached');
  await ask(0);
  assert.equal(calls.length, 6, 'chip 0 left the cache and is fetched again, then the chain it pushed out');
});
