/**
 * The web console in Debian's Chromium (playwright-core, one browser for the whole file) against
 * a spawned `confide serve` in dev mode: each page loads under the server's CSP with no request to
 * another origin; a real SGX quote, a real SEV-SNP report and real Azure CVM evidence (whose trace shows its HCL report, binding and vTPM quote steps) verify in the page beside the
 * server's /attest, a flipped bit is refused by both; a tampered token and a tampered audit entry
 * are caught in the page; a policy is dry-run and saved; a simulated marble's activation appears;
 * a key shows its versions and release policy; ledger receipts verify in the page, changed contents do not.
 * Prints the first-load bytes, the time to interactive and the in-page vs Node verification time.
 * Skips with a message without Chromium or the vectors; screenshots go to test-output/console/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { collateralItemsFromBytes, memoryCollateral, verifyEvidence, VerifyCache } from '@confide/evidence';
import { fixedClock } from '@confide/core';
import { RECEIPT_POLLS } from '../src/verify/receipt.js';
import { browserUnavailable, CHROMIUM_PATH } from '@confide/test-kit';
import { testIdentity, type TestIdentity } from '@confide/test-kit/identity';
import { missingVector, vector, vectorPath } from '@confide/test-kit/vectors';
import { freePort, loadAverage, loadScaled, runCliJson, startCli, startServe, type Served } from '@confide/test-kit/process';
import { keyPairSync } from '@confide/test-kit/keys';

const SGX_QUOTE = 'sgx/phala-dcap-qvl/sgx_quote';
const SGX_COLLATERAL = 'sgx/phala-dcap-qvl/sgx_quote_collateral.json';
const SNP_REPORT = 'sev-snp/trustee/test-report.bin';
const SNP_VCEK = 'sev-snp/trustee/test-vcek.der';
const AZURE_SNP_EVIDENCE = 'azure/trustee-az-snp-vtpm/evidence-v1.json';
/** MRENCLAVE of the Phala quote (its report body at 112). */
const SGX_MRENCLAVE = '33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb';

const OUTPUT = resolve(fileURLToPath(new URL('../../../../test-output/console/', import.meta.url)));
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const noBrowser = browserUnavailable();
const skip = noBrowser ?? missingVector(SGX_QUOTE, SGX_COLLATERAL, SNP_REPORT, SNP_VCEK, AZURE_SNP_EVIDENCE);

/** Verifications timed on each side: the median of five keeps one slow run on a loaded machine from deciding the ratio. */
const RUNS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** One Chromium for every suite of this file. */
let browser: Browser;

before(async () => {
  if (noBrowser) return;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS, timeout: loadScaled(60_000) });
});

after(async () => {
  await browser?.close();
});

describe('web console in Chromium against confide serve', { skip }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'confide-console-'));
  const dataDir = join(tmp, 'data');
  let served: Served;
  let context: BrowserContext;
  let origin: string;
  /** Every request any page made, and everything the pages reported as an error (CSP violations included). */
  const requested: string[] = [];
  const pageErrors: string[] = [];

  async function open(path: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${origin}/console/#/${path}`);
    await page.locator(`main[data-page="${path}"]`).waitFor();
    return page;
  }

  /** A page that sees the audit log as a server that re-signed it whole would serve it: another key, and every entry signed by it. */
  async function pageWithLogUnderAnotherKey(): Promise<Page> {
    const { privateKey, publicKey } = keyPairSync('ec', { namedCurve: 'P-256' });
    const page = await context.newPage();
    await page.route('**/api/v2/audit-log/public-key', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { data: { publicKeyJwk: JsonWebKey } };
      body.data.publicKeyJwk = publicKey.export({ format: 'jwk' });
      await route.fulfill({ response: res, json: body });
    });
    await page.route(
      (url) => url.pathname === '/api/v2/audit-log',
      async (route) => {
        const res = await route.fetch();
        const lines = (await res.text()).trim().split('\n').map((l) => {
          const entry = JSON.parse(l) as { hash: string; sig: string };
          entry.sig = sign('sha256', Buffer.from(entry.hash, 'hex'), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
          return JSON.stringify(entry);
        });
        await route.fulfill({ response: res, body: lines.join('\n') + '\n' });
      },
    );
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
  }

  before(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const port = await freePort();
    const ledgerPort = await freePort();
    served = await startServe([
      ...['--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir],
      ...['--collateral', `${vectorPath(SGX_COLLATERAL)},${vectorPath(SNP_VCEK)}`],
      ...['--ledger-enabled', 'true', '--ledger-port', String(ledgerPort), '--ledger-signature-interval-ms', '20'],
    ]);
    origin = served.url;
    // The dev-mode local CA is the server's own; this browser trusts nothing else here.
    context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    context.on('request', (r) => requested.push(r.url()));
  });

  after(async () => {
    await context?.close();
    served?.child.kill('SIGTERM');
    await served?.exited;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('overview: first load within 250 KB gzipped and interactive within 1 s, dev mode loud, roots pinned alike, immutable hashed assets', async () => {
    const sizes: Array<Promise<number>> = [];
    const page = await context.newPage();
    const counted = (r: Response): void => void sizes.push(r.request().sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
    page.on('response', counted);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const response = await page.goto(`${origin}/console/`);
    await page.getByTestId('mode').waitFor();
    const interactive = await page.evaluate(() => performance.getEntriesByName('confide:interactive')[0]?.startTime ?? -1);
    await page.getByTestId('health').waitFor();
    // Everything the overview loads counts: its page chunk and the verifiers it pins the roots with.
    await page.getByTestId('anchors').getByText('yes').first().waitFor();
    // Counted until here: a later response's size request would still be pending, and fail unawaited, when the page closes.
    page.off('response', counted);
    const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    const complete = await page.evaluate(() => performance.now());
    // Where the time to interactive goes: the page, the shell's scripts, the /console/api/info answer, then the render.
    const steps = await page.evaluate(() => {
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const info = resources.find((r) => r.name.endsWith('/console/api/info'));
      // Scripts asked for before the info request: the shell and its static imports, not the page chunks.
      const end = (part: string): number => Math.max(0, ...resources.filter((r) => r.name.includes(part) && r.startTime < (info?.startTime ?? Infinity)).map((r) => r.responseEnd));
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const app = resources.find((r) => r.name.includes('/assets/app-'));
      const phases = app ? `asked at ${app.startTime.toFixed(0)}, connection ${(app.connectEnd - app.connectStart).toFixed(0)} ms, first byte at ${app.responseStart.toFixed(0)}` : '';
      return { phases, html: nav.responseEnd, app: end('/assets/app-'), shared: end('/assets/chunk-'), infoStart: info?.startTime ?? -1, infoEnd: info?.responseEnd ?? -1 };
    });
    console.log(`# console first load: ${(bytes / 1024).toFixed(1)} KB transferred (gzip) in ${sizes.length} responses, interactive at ${interactive.toFixed(0)} ms, overview complete at ${complete.toFixed(0)} ms, load average ${loadAverage()}`);
    console.log(`# console time to interactive: page ${steps.html.toFixed(0)} ms, shell script ${steps.app.toFixed(0)} ms (${steps.phases}), its shared chunk ${steps.shared.toFixed(0)} ms, /console/api/info asked at ${steps.infoStart.toFixed(0)} and answered at ${steps.infoEnd.toFixed(0)} ms, interactive at ${interactive.toFixed(0)} ms`);
    assert.ok(bytes <= 250 * 1024, `first load ${bytes} bytes`);
    // The recent activity is the log's last entries (after the head less ten), not the whole log, which grows without bound.
    await page.getByText('No audit entries yet.').waitFor();
    assert.ok(requested.some((u) => u.startsWith(`${origin}/api/v2/audit-log?after=`)), 'recent activity fetched after a seq');
    assert.ok(!requested.includes(`${origin}/api/v2/audit-log`), 'the whole log was not fetched');
    assert.ok(interactive > 0 && interactive <= loadScaled(1000), `interactive at ${interactive} ms`);

    const csp = response!.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, /style-src 'self';/);
    assert.match(csp, /connect-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    // The shell's chunk is announced beside the shell, so both download at once.
    const preloads = await page.locator('link[rel="modulepreload"]').evaluateAll((ls) => ls.map((l) => l.getAttribute('href')));
    assert.ok(preloads.length >= 1 && preloads.every((h) => /^\/console\/assets\/chunk-[A-Z0-9]+\.js$/.test(h ?? '')), JSON.stringify(preloads));
    const script = await page.locator('script[src]').getAttribute('src');
    assert.match(script!, /^\/console\/assets\/app-[A-Z0-9]+\.js$/);
    const asset = await page.request.get(`${origin}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(asset.headers()['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await page.request.get(`${origin}/console/assets/app-NOPE.js`)).status(), 404);

    assert.equal(await page.getByTestId('mode').textContent(), 'dev');
    assert.ok(await page.getByTestId('dev-banner').isVisible());
    assert.equal(await page.getByTestId('health').getAttribute('class'), 'badge ok');
    const anchors = page.getByTestId('anchors').locator('tbody tr');
    await page.getByTestId('anchors').getByText('yes').first().waitFor();
    assert.ok((await anchors.count()) >= 5);
    assert.equal(await page.getByTestId('anchors').getByText('no', { exact: true }).count(), 0, 'every root the server uses is pinned by the page');
    await shot(page, 'overview');

    // A phone: one column, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal scroll on a phone');
    await shot(page, 'overview-phone');
    // By keyboard: the first Tab lands on the brand link, the next on the first page of the navigation.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Attestation');
    await page.keyboard.press('Enter');
    await page.locator('main[data-page="attestation"]').waitFor();
    await page.close();
  });

  let sgxToken: string;

  it('attestation: a real SGX quote verifies in the page as at the server, 5 cold runs each, median within 3x of Node; a flipped bit is refused by both', async () => {
    const quote = vector(SGX_QUOTE);
    const collateral = vector(SGX_COLLATERAL);
    const page = await open('attestation');
    await page.locator('#evidence-text').fill(b64(quote));
    await page.locator('#collateral-file').setInputFiles(vectorPath(SGX_COLLATERAL));
    const pageMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.locator('#verify').click();
      await page.getByTestId('server-verdict').waitFor();
      await page.locator('#verify:not([disabled])').waitFor();
      pageMs.push(Number(await page.getByTestId('page-ms').textContent()));
    }
    assert.equal(await page.getByTestId('page-verdict').textContent(), 'authentic');
    assert.equal(await page.getByTestId('page-tee').textContent(), 'sgx');
    assert.equal(await page.getByTestId('page-measurement').textContent(), SGX_MRENCLAVE);
    assert.equal(await page.getByTestId('page-tcb').textContent(), 'ConfigurationAndSWHardeningNeeded');
    // Each advisory explained from the texts bundled in the page, and linked to Intel's page (a link, never a request).
    const advisories = page.getByTestId('page-advisories');
    assert.deepEqual(await advisories.locator('li').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-advisory'), li.getAttribute('data-known')])), [
      ['INTEL-SA-00289', 'true'],
      ['INTEL-SA-00615', 'true'],
    ]);
    assert.match((await advisories.locator('li[data-advisory="INTEL-SA-00615"]').textContent())!, /MMIO Stale Data/);
    assert.equal(await advisories.locator('li[data-advisory="INTEL-SA-00289"] a').getAttribute('href'), 'https://www.intel.com/content/www/us/en/security-center/advisory/intel-sa-00289.html');
    assert.equal(await page.getByTestId('server-verdict').textContent(), 'token issued');
    assert.equal(await page.getByTestId('agreement').getByText('no', { exact: true }).count(), 0);
    assert.equal(await page.getByTestId('agreement').getByText('yes', { exact: true }).count(), 2);
    // The verifier's own trace: every check it made, in order, each with its outcome.
    const trace = page.getByTestId('trace');
    assert.equal(await trace.locator('[data-outcome="failed"]').count(), 0);
    const passed = async (step: string): Promise<number> => trace.locator(`li[data-step="${step}"][data-outcome="passed"]`).count();
    assert.deepEqual(
      await Promise.all(['quote-signature', 'qe-report', 'pck-chain', 'collateral', 'collateral-chain', 'crl', 'revocation'].map(passed)),
      [1, 2, 4, 1, 1, 2, 2],
    );
    assert.equal(await trace.locator('li[data-step="tcb-info"][data-check="signature"][data-outcome="passed"]').count(), 1);
    assert.equal(await trace.locator('li[data-step="qe-identity"][data-check="matches"][data-outcome="passed"]').count(), 1);
    assert.match((await trace.locator('li[data-step="tcb-status"]').textContent())!, /ConfigurationAndSWHardeningNeeded/);
    assert.equal(await trace.locator('li[data-step="report-data"]').getAttribute('data-outcome'), 'noted');
    await shot(page, 'attestation-sgx');

    // The same quote in Node with the evidence package, cold each time as in the page.
    const nodeMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const items = collateralItemsFromBytes(collateral)!;
      const started = performance.now();
      await verifyEvidence(quote, {}, { clock: fixedClock(new Date()), collateral: memoryCollateral(items), cache: new VerifyCache() });
      nodeMs.push(performance.now() - started);
    }
    const ratio = median(pageMs) / median(nodeMs);
    console.log(`# SGX quote verification: page ${pageMs.map((m) => m.toFixed(1)).join('/')} ms, Node ${nodeMs.map((m) => m.toFixed(1)).join('/')} ms, median ratio ${ratio.toFixed(2)}x`);
    assert.ok(ratio <= 3, `in-page verification ${ratio.toFixed(2)}x Node's`);

    sgxToken = await page.locator('#token-text').inputValue();
    assert.match(sgxToken, /^ey[\w-]+\.ey[\w-]+\.[\w-]+$/);

    // Report data byte flipped (header 48 + report body offset 320): both the page and the server refuse.
    const flipped = quote.slice();
    flipped[48 + 320] = flipped[48 + 320]! ^ 0x01;
    await page.locator('#evidence-text').fill(b64(flipped));
    await page.locator('#verify').click();
    await page.getByTestId('page-error').waitFor();
    assert.equal(await page.getByTestId('page-verdict').textContent(), 'refused');
    assert.equal(await page.getByTestId('page-error').getAttribute('data-code'), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    // Only the quote's own signature failed; the checks run beside it passed, and nothing after them ran.
    assert.equal(await page.locator('[data-testid="trace"] [data-outcome="failed"]').count(), 1);
    assert.equal(await page.locator('[data-testid="trace"] [data-outcome="failed"]').getAttribute('data-step'), 'quote-signature');
    assert.equal(await page.locator('[data-testid="trace"] [data-outcome="failed"]').getAttribute('data-code'), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    assert.equal(await page.locator('[data-testid="trace"] li[data-step="qe-report"][data-outcome="passed"]').count(), 2);
    assert.equal(await page.locator('[data-testid="trace"] li[data-step="collateral"]').count(), 0);
    await page.getByTestId('server-error').waitFor();
    assert.equal(await page.getByTestId('server-error').getAttribute('data-code'), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    await shot(page, 'attestation-refused');
    await page.close();
  });

  it('attestation: a real SEV-SNP report (file) with its VCEK (file) verifies in the page and at the server', async () => {
    const page = await open('attestation');
    await page.locator('#evidence-file').setInputFiles(vectorPath(SNP_REPORT));
    await page.locator('#collateral-file').setInputFiles(vectorPath(SNP_VCEK));
    await page.locator('#verify').click();
    await page.getByTestId('server-verdict').waitFor();
    assert.equal(await page.getByTestId('page-verdict').textContent(), 'authentic');
    assert.equal(await page.getByTestId('page-tee').textContent(), 'sev-snp');
    assert.equal(await page.getByTestId('page-measurement').textContent(), Buffer.from(vector(SNP_REPORT).subarray(0x90, 0xc0)).toString('hex'));
    assert.equal(await page.getByTestId('server-verdict').textContent(), 'token issued');
    const trace = page.getByTestId('trace');
    assert.equal(await trace.locator('li[data-step="report-signature"][data-outcome="passed"]').count(), 1);
    assert.equal(await trace.locator('li[data-step="vek-chain"][data-outcome="passed"]').count(), 3);
    assert.equal(await trace.locator('li[data-step="chip-binding"][data-outcome="passed"]').count(), 1);
    assert.equal(await trace.locator('[data-outcome="failed"]').count(), 0);
    await shot(page, 'attestation-sev-snp');
    await page.close();
  });

  it('attestation: real Azure CVM evidence (SEV-SNP with vTPM) verifies in the page with the steps of its HCL report, binding and vTPM quote', async () => {
    const page = await open('attestation');
    await page.locator('#evidence-file').setInputFiles(vectorPath(AZURE_SNP_EVIDENCE));
    await page.locator('#verify').click();
    await page.getByTestId('server-verdict').waitFor();
    assert.equal(await page.getByTestId('page-verdict').textContent(), 'authentic');
    assert.equal(await page.getByTestId('page-tee').textContent(), 'azure-cvm');
    const trace = page.getByTestId('trace');
    assert.equal(await trace.locator('[data-outcome="failed"]').count(), 0);
    const steps = await trace.locator('li').evaluateAll((items) => items.map((li) => `${li.getAttribute('data-step')} ${li.getAttribute('data-check')} ${li.getAttribute('data-outcome')}`));
    const at = (step: string): number => steps.indexOf(step);
    assert.ok(at('report-signature signature passed') >= 0, steps.join('\n'));
    assert.ok(at('report-signature signature passed') < at('runtime-data vmpl passed'));
    assert.ok(at('runtime-data vmpl passed') < at('runtime-data runtimeData passed'));
    assert.ok(at('runtime-data runtimeData passed') < at('quote-signature quote 1 passed'));
    assert.ok(at('quote-signature quote 1 passed') < at('pcr-digest quote 1 passed'));
    assert.ok(!steps.some((s) => s.startsWith('verify ')), 'no step recorded as a whole');
    await shot(page, 'attestation-azure-cvm');
    await page.close();
  });

  it('token inspector: the issued token verifies against /certs in the page; one changed claim is caught', async () => {
    assert.ok(sgxToken, 'the SGX test issued a token');
    const page = await open('attestation');
    await page.locator('#token-text').fill(sgxToken);
    await page.locator('#inspect').click();
    await page.getByTestId('token-check').waitFor();
    assert.equal(await page.getByTestId('token-check').getAttribute('data-verdict'), 'valid');
    const [h, p, s] = sgxToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>;
    claims['x-ms-sgx-is-debuggable'] = true;
    await page.locator('#token-text').fill(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
    await page.locator('#inspect').click();
    await page.locator('[data-testid="token-check"][data-verdict="signature-invalid"]').waitFor();
    await shot(page, 'token-tampered');
    await page.close();
  });

  it('policy: a syntax error at its line and column as typed; a draft dry-run against the SGX quote, reviewed as a diff, saved', async () => {
    const page = await open('policy');
    await page.locator('#policy-type').selectOption('SgxEnclave');
    const editor = page.locator('#policy-text');
    await page.waitForFunction(() => (document.querySelector('#policy-text') as HTMLTextAreaElement | null)?.value.includes('version'));
    const original = await editor.inputValue();
    await editor.fill('version= 1.0;\nauthorizationrules {\n  => permit()\n};');
    const syntax = page.getByTestId('policy-syntax');
    await page.locator('[data-testid="policy-syntax"][data-ok="false"]').waitFor();
    // The missing ';' after permit() shows where the parser met the next token: the '}' at line 4, column 1.
    assert.equal(await syntax.getAttribute('data-line'), '4');
    assert.equal(await syntax.getAttribute('data-column'), '1');
    assert.match((await syntax.textContent())!, /ERR_POLICY_SYNTAX/);
    await shot(page, 'policy-syntax-error');

    const draft = 'version= 1.0;\nauthorizationrules {\n  => permit();\n};\nissuancerules {\n  => issue(type="console-dry-run", value=true);\n};';
    await editor.fill(draft);
    await page.locator('[data-testid="policy-syntax"][data-ok="true"]').waitFor();
    // Hex this time (the attestation page took base64 and a file).
    await page.locator('#dry-evidence-text').fill(Buffer.from(vector(SGX_QUOTE)).toString('hex'));
    await page.locator('#dry-run-go').click();
    await page.getByTestId('dry-run-result').waitFor();
    assert.equal(await page.getByTestId('dry-run-result').getAttribute('data-ok'), 'true');
    assert.match((await page.getByTestId('dry-run-result').locator('pre').textContent())!, /"console-dry-run": true/);

    await page.locator('#review').click();
    const diff = page.getByTestId('policy-diff');
    assert.ok((await diff.locator('.added').count()) > 0 && (await diff.locator('.removed').count()) > 0);
    assert.notEqual(original, draft);
    await page.locator('#save-policy').click();
    await page.getByTestId('policy-saved').waitFor();
    await page.waitForFunction((text) => (document.querySelector('#policy-text') as HTMLTextAreaElement | null)?.value === text, draft);
    await shot(page, 'policy-saved');
    await page.close();
  });

  it('coordinator: a simulated marble activates while the page watches; the audit log verifies in the page and a tampered entry is caught', async () => {
    // A manifest with one simulated package: the program's SHA-256 is its measurement.
    const bin = join(tmp, 'marble.sh');
    writeFileSync(bin, '#!/bin/sh\nexit 0\n');
    chmodSync(bin, 0o755);
    const manifestFile = join(tmp, 'manifest.json');
    const measurement = createHash('sha256').update(readFileSync(bin)).digest('hex');
    // Two users who must both acknowledge a full manifest update (UpdateThreshold 0: all updaters).
    const users = await Promise.all(
      ['alice', 'bob'].map(async (name) => {
        const id = await testIdentity(`console-${name}`);
        writeFileSync(join(tmp, `${name}.crt`), id.pem);
        writeFileSync(join(tmp, `${name}.key`), id.keyPem);
        return { name, pem: id.pem, as: ['--cert', join(tmp, `${name}.crt`), '--key', join(tmp, `${name}.key`)] };
      }),
    );
    const manifest = {
      Packages: { demo: { Tee: 'sim', UniqueID: measurement } },
      Marbles: { web: { Package: 'demo', MaxActivations: 5 } },
      Secrets: { apiKey: { Type: 'symmetric-key', Size: 128 } },
      Users: Object.fromEntries(users.map((u) => [u.name, { Certificate: u.pem, Roles: ['updater'] }])),
      Roles: { updater: { ResourceType: 'Manifest', Actions: ['UpdateManifest'] } },
    };
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const addr = new URL(origin).host;
    const set = await runCliJson(['manifest', 'set', manifestFile, '--coordinator', addr, '--ca', served.caCert]);
    assert.equal(set.code, 0, JSON.stringify(set.json));

    const page = await open('coordinator');
    await page.locator('[data-testid="coord-state"][data-code="3"]').waitFor();
    assert.match((await page.getByTestId('secrets').textContent())!, /apiKey symmetric-key 128 bits/);
    await page.getByTestId('update-log').locator('li').first().waitFor();
    assert.match((await page.getByTestId('update-log').textContent())!, /update: initial manifest set, fingerprint: [0-9a-f]{64}/);
    assert.equal(await page.getByTestId('activations').locator('tbody tr').count(), 0);
    const marble = startCli(['--json', 'run', '--tee', 'sim', '--coordinator', addr, '--marble-type', 'web', '--data-dir', dataDir, '--uuid-file', join(tmp, 'uuid'), '--', bin], { cwd: tmp, timeoutMs: loadScaled(60_000) });
    assert.equal((await marble.done).code, 0, marble.output().stderr);
    await page.locator('[data-testid="activations"] tr[data-marble-type="web"]').waitFor({ timeout: loadScaled(15_000) });
    assert.match((await page.locator('[data-testid="activations"] tr[data-marble-type="web"]').textContent())!, new RegExp(measurement));
    await page.locator('[data-testid="audit-result"][data-ok="true"]').waitFor();
    assert.match((await page.getByTestId('audit-key').getAttribute('data-status'))!, /^(first-seen|same)$/);
    // Later rounds fetch and verify only what was appended after the head verified before (?after=seq), not the whole log again.
    await page.locator('[data-testid="audit-result"][data-mode="incremental"][data-ok="true"]').waitFor({ timeout: loadScaled(15_000) });
    const result = page.getByTestId('audit-result');
    assert.ok(Number(await result.getAttribute('data-verified-now')) < Number(await result.getAttribute('data-count')));
    assert.ok(requested.some((u) => /\/api\/v2\/audit-log\?after=[1-9]\d*$/.test(u)), 'the activation\'s entries were fetched after the verified head');
    await shot(page, 'coordinator');
    // An old entry changed in place (its stored hash kept) is not in what incremental rounds fetch: a
    // full round catches it, the periodic one (test/audit-checker.test.ts) or, here, one asked for.
    await page.route(
      (url) => url.pathname === '/api/v2/audit-log' && !url.searchParams.has('after'),
      async (route) => {
        const res = await route.fetch();
        const lines = (await res.text()).trim().split('\n');
        const entry = JSON.parse(lines[0]!) as { details: Record<string, unknown> };
        lines[0] = JSON.stringify({ ...entry, details: { ...entry.details, tampered: true } });
        await route.fulfill({ response: res, body: lines.join('\n') + '\n' });
      },
    );
    await page.locator('#audit-verify-all:enabled').click();
    await page.locator('[data-testid="audit-result"][data-ok="false"][data-mode="full"][data-full-reason="requested"]').waitFor({ timeout: loadScaled(15_000) });
    assert.equal(await result.getAttribute('data-code'), 'ERR_AUDIT_LOG_INVALID');
    await page.close();

    // A full manifest update proposed by alice waits for bob: the page shows who is missing, the
    // fingerprint of the pending bytes (computed in the page) and what the update changes, by name.
    const watching = await open('coordinator');
    await watching.getByTestId('no-pending').waitFor();
    const v2 = { ...manifest, Secrets: { ...manifest.Secrets, dbPassword: { Type: 'plain', UserDefined: true } }, Marbles: { web: { Package: 'demo', MaxActivations: 6 } } };
    const v2File = join(tmp, 'manifest-v2.json');
    writeFileSync(v2File, JSON.stringify(v2));
    const conn = ['--coordinator', addr, '--ca', served.caCert];
    const proposed = await runCliJson(['manifest', 'update', 'apply', v2File, ...conn, ...users[0]!.as]);
    assert.equal(proposed.code, 0, JSON.stringify(proposed.json));
    const pending = watching.locator('[data-testid="pending"][data-missing="bob"]');
    await pending.waitFor({ timeout: loadScaled(15_000) });
    assert.equal(await pending.getAttribute('data-fingerprint'), createHash('sha256').update(readFileSync(v2File)).digest('hex'));
    assert.deepEqual(await watching.getByTestId('pending-changes').locator('li').evaluateAll((lis) => lis.map((li) => `${li.getAttribute('data-change')} ${li.getAttribute('data-section')} ${li.getAttribute('data-name')}`)), [
      'changed Marbles web',
      'added Secrets dbPassword',
    ]);
    await shot(watching, 'coordinator-pending-update');
    const acknowledged = await runCliJson(['manifest', 'update', 'acknowledge', v2File, ...conn, ...users[1]!.as]);
    assert.equal(acknowledged.code, 0, JSON.stringify(acknowledged.json));
    await watching.getByTestId('no-pending').waitFor({ timeout: loadScaled(15_000) });
    await watching.locator('[data-testid="secrets"] li', { hasText: 'dbPassword' }).waitFor({ timeout: loadScaled(15_000) });
    await watching.close();

    // The same log with one entry's details changed on the way: the page's own check refuses it.
    const tampered = await context.newPage();
    await tampered.route('**/api/v2/audit-log', async (route) => {
      const res = await route.fetch();
      const lines = (await res.text()).trim().split('\n');
      const entry = JSON.parse(lines[0]!) as { details: Record<string, unknown> };
      entry.details = { ...entry.details, tampered: true };
      lines[0] = JSON.stringify(entry);
      await route.fulfill({ response: res, body: lines.join('\n') + '\n' });
    });
    await tampered.goto(`${origin}/console/#/coordinator`);
    await tampered.locator('[data-testid="audit-result"][data-ok="false"]').waitFor();
    assert.equal(await tampered.getByTestId('audit-result').getAttribute('data-code'), 'ERR_AUDIT_LOG_INVALID');
    await shot(tampered, 'coordinator-audit-tampered');
    await tampered.close();

    // The whole log re-signed with another key, served with that key: it verifies, but this browser kept the first key it saw.
    const resigned = await pageWithLogUnderAnotherKey();
    await resigned.goto(`${origin}/console/#/coordinator`);
    await resigned.locator('[data-testid="audit-key"][data-status="changed"]').waitFor();
    assert.equal(await resigned.getByTestId('audit-result').getAttribute('data-ok'), 'false');
    await resigned.close();
  });

  it('overview: the audit key shown by its fingerprint, pinned by it (a wrong one refused); the coordinator page then takes only that key', async () => {
    const { data } = (await (await context.request.get(`${origin}/api/v2/audit-log/public-key`, { headers: { authorization: 'Bearer console-test' } })).json()) as { data: { publicKeyJwk: JsonWebKey } };
    const { crv, kty, x, y } = data.publicKeyJwk;
    // RFC 7638: the required members in lexicographic order, SHA-256, base64url.
    const thumbprint = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
    const overview = await open('overview');
    const pin = overview.getByTestId('audit-key-pin');
    await overview.locator(`[data-testid="audit-key-pin"][data-status="unpinned"][data-thumbprint="${thumbprint}"]`).waitFor();
    await overview.locator('#audit-key-fingerprint').fill('A'.repeat(43));
    await overview.locator('#pin-audit-key').click();
    await overview.getByTestId('pin-error').waitFor();
    assert.equal(await pin.getAttribute('data-status'), 'unpinned', 'a fingerprint of another key is not pinned');
    await overview.locator('#audit-key-fingerprint').fill(thumbprint);
    await overview.locator('#pin-audit-key').click();
    await overview.locator('[data-testid="audit-key-pin"][data-status="pinned"]').waitFor();
    await shot(overview, 'overview-audit-key-pinned');
    await overview.close();

    const coordinator = await open('coordinator');
    await coordinator.locator('[data-testid="audit-key"][data-status="pinned"]').waitFor();
    await coordinator.close();
    // Another key served, with the whole log re-signed by it: not the pinned key, on both pages.
    const other = await pageWithLogUnderAnotherKey();
    await other.goto(`${origin}/console/#/coordinator`);
    await other.locator('[data-testid="audit-key"][data-status="changed"]').waitFor();
    assert.equal(await other.getByTestId('audit-result').getAttribute('data-ok'), 'false');
    await other.goto(`${origin}/console/#/overview`);
    await other.locator('[data-testid="audit-key-pin"][data-status="mismatch"]').waitFor();
    await other.locator('#unpin-audit-key').click();
    await other.locator('[data-testid="audit-key-pin"][data-status="unpinned"]').waitFor();
    await other.close();
  });

  it('key vault: a key with its versions and release policy; ledger: entries by collection, each receipt verified in the page, changed contents caught', async () => {
    // Dev mode takes any bearer token, with every role.
    const headers = { authorization: 'Bearer console-test' };
    const policy = { version: '1.0.0', anyOf: [{ authority: origin, allOf: [{ claim: 'x-ms-sgx-mrenclave', equals: SGX_MRENCLAVE }] }] };
    const created = await context.request.post(`${origin}/keys/console-skr/create?api-version=7.4`, {
      headers,
      data: { kty: 'RSA', key_ops: ['sign', 'verify'], attributes: { exportable: true }, release_policy: { data: Buffer.from(JSON.stringify(policy)).toString('base64url') } },
    });
    assert.equal(created.status(), 200, await created.text());
    assert.equal((await context.request.post(`${origin}/keys/console-skr/rotate?api-version=7.4`, { headers })).status(), 200);
    const kv = await open('keyvault');
    await kv.locator('[data-key="console-skr"] button').click();
    await kv.getByTestId('key-details').locator('li').nth(1).waitFor();
    assert.equal(await kv.getByTestId('key-details').locator('li').count(), 2, 'two versions');
    assert.match((await kv.getByTestId('key-details').textContent())!, new RegExp(SGX_MRENCLAVE));
    await shot(kv, 'keyvault');
    await kv.close();

    /** Until the transaction (and so every one before it) is committed. */
    async function committed(transactionId: string): Promise<void> {
      const deadline = Date.now() + loadScaled(15_000);
      while ((await (await context.request.get(`${origin}/app/transactions/${transactionId}/status?api-version=2022-05-13`, { headers })).json()).state !== 'Committed') {
        assert.ok(Date.now() < deadline, 'the entries commit');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    let last = '';
    for (const contents of ['first entry', 'second entry']) {
      const appended = await context.request.post(`${origin}/app/transactions?collectionId=console&api-version=2022-05-13`, { headers, data: { contents } });
      assert.equal(appended.status(), 200, await appended.text());
      last = appended.headers()['x-ms-ccf-transaction-id']!;
    }
    await committed(last);
    const ledger = await open('ledger');
    await ledger.locator('#collection option', { hasText: /^console$/ }).waitFor({ state: 'attached' });
    await ledger.locator('#collection').selectOption('console');
    for (const contents of ['first entry', 'second entry']) await ledger.getByTestId('ledger-entries').locator('tr', { hasText: contents }).getByTestId('receipt-ok').waitFor();
    assert.equal(await ledger.getByTestId('ledger-entries').locator('tbody tr').count(), 2);
    await shot(ledger, 'ledger');
    await ledger.close();

    // Receipts not Ready through a whole check (its first read and RECEIPT_POLLS more): each row says
    // so, then asks again each second until its receipt verifies.
    const slow = await context.newPage();
    const reads = new Map<string, number>();
    await slow.route(
      (url) => url.pathname.startsWith('/app/transactions/') && url.pathname.endsWith('/receipt'),
      async (route) => {
        const path = new URL(route.request().url()).pathname;
        const n = (reads.get(path) ?? 0) + 1;
        reads.set(path, n);
        if (n <= RECEIPT_POLLS + 1) return route.fulfill({ json: { state: 'Loading', transactionId: path.split('/')[3] } });
        return route.continue();
      },
    );
    await slow.goto(`${origin}/console/#/ledger`);
    await slow.locator('#collection option', { hasText: /^console$/ }).waitFor({ state: 'attached' });
    await slow.locator('#collection').selectOption('console');
    const slowRow = slow.getByTestId('ledger-entries').locator('tr', { hasText: 'first entry' });
    await slowRow.getByTestId('receipt-pending').waitFor({ timeout: loadScaled(30_000) });
    await slowRow.getByTestId('receipt-ok').waitFor({ timeout: loadScaled(15_000) });
    assert.ok([...reads.values()].some((n) => n > RECEIPT_POLLS + 1), 'asked again after the check gave up');
    await slow.close();

    // The entries as a compromised server would show them, one changed: its receipt no longer matches.
    const tampered = await context.newPage();
    await tampered.route(
      (url) => url.pathname === '/app/transactions' && url.searchParams.get('collectionId') === 'console',
      async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as { entries: Array<{ contents: string }> };
        body.entries[0]!.contents = 'first entry, changed';
        await route.fulfill({ response: res, json: body });
      },
    );
    await tampered.goto(`${origin}/console/#/ledger`);
    await tampered.locator('#collection option', { hasText: /^console$/ }).waitFor({ state: 'attached' });
    await tampered.locator('#collection').selectOption('console');
    const changed = tampered.getByTestId('ledger-entries').locator('tr', { hasText: 'first entry, changed' });
    const unchanged = tampered.getByTestId('ledger-entries').locator('tr', { hasText: 'second entry' });
    await changed.getByTestId('receipt-error').waitFor();
    await unchanged.getByTestId('receipt-ok').waitFor();
    assert.equal(await changed.getByTestId('receipt-error').getAttribute('data-code'), 'ERR_LEDGER_RECEIPT_INVALID');
    assert.equal(await changed.getByTestId('receipt-ok').count(), 0);
    await tampered.close();

    // More collections than one page of /app/collections (100): the page follows nextLink to the last.
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const res = await context.request.post(`${origin}/app/transactions?collectionId=paged-${String(batch * 10 + i).padStart(3, '0')}&api-version=2022-05-13`, { headers, data: { contents: 'paging' } });
          assert.equal(res.status(), 200, await res.text());
        }),
      );
    }
    const paged = await open('ledger');
    const names = async (): Promise<string[]> => paged.locator('#collection option').evaluateAll((os) => os.map((o) => o.textContent ?? ''));
    await paged.locator('#collection option', { hasText: /^console$/ }).waitFor({ state: 'attached' });
    const listed = await names();
    assert.ok(listed.length >= 101, `${listed.length} collections listed`);
    for (let i = 0; i < 100; i++) assert.ok(listed.includes(`paged-${String(i).padStart(3, '0')}`), `paged-${i} listed`);
    await paged.close();

    // More entries in one collection than one page of /app/transactions (100): the first page, then the rest by nextLink on request.
    let lastOfMany = '';
    for (let batch = 0; batch < 7; batch++) {
      const ids = await Promise.all(
        Array.from({ length: 15 }, async (_, i) => {
          const res = await context.request.post(`${origin}/app/transactions?collectionId=many&api-version=2022-05-13`, { headers, data: { contents: `many ${batch * 15 + i}` } });
          assert.equal(res.status(), 200, await res.text());
          return res.headers()['x-ms-ccf-transaction-id']!;
        }),
      );
      lastOfMany = ids.at(-1)!;
    }
    await committed(lastOfMany);
    const many = await open('ledger');
    await many.locator('#collection option', { hasText: /^many$/ }).waitFor({ state: 'attached' });
    await many.locator('#collection').selectOption('many');
    await many.locator('[data-testid="entries-shown"][data-count="100"]').waitFor();
    const rows = many.getByTestId('ledger-entries').locator('tbody tr');
    assert.equal(await rows.count(), 100);
    await many.locator('#more-entries').click();
    await many.locator('[data-testid="entries-shown"][data-count="105"]').waitFor();
    assert.equal(await many.locator('#more-entries').count(), 0, 'no further page');
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td:nth-child(2)')?.textContent ?? ''));
    assert.deepEqual(new Set(shown), new Set(Array.from({ length: 105 }, (_, i) => `many ${i}`)));
    await rows.nth(104).getByTestId('receipt-ok').waitFor({ timeout: loadScaled(30_000) });
    await many.close();
  });

  it('the shell asks for /console/api/info once, while its module is evaluated, before its first render', async () => {
    const page = await context.newPage();
    // Each info request with what #app held when it was made: the page's static text until the shell first renders.
    await page.addInitScript(() => {
      const asked: Array<string | null> = [];
      Object.assign(window, { infoAsked: asked });
      const original = window.fetch;
      window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url.endsWith('/console/api/info')) asked.push(document.getElementById('app')?.textContent ?? null);
        return original(input, init);
      };
    });
    await page.goto(`${origin}/console/`);
    await page.getByTestId('mode').waitFor();
    assert.deepEqual(await page.evaluate(() => (window as unknown as { infoAsked: unknown }).infoAsked), ['Loading the console…']);
    await page.close();
  });

  it('no page requested another origin, and none reported an error or a CSP violation', () => {
    assert.ok(requested.length > 0);
    assert.deepEqual(
      requested.filter((u) => !u.startsWith(`${origin}/`)),
      [],
    );
    assert.deepEqual(
      pageErrors.filter((e) => !/the server responded with a status of (4\d\d)/.test(e)),
      [],
    );
  });
});

describe('console sign-in when the API verifies tokens: OpenID Connect code flow with PKCE, or a pasted token', { skip: noBrowser }, () => {
  // 32 random bytes as hex: the API's static bearer token, which the fake issuer hands out as its access token.
  const apiToken = randomBytes(32).toString('hex');
  const tmp = mkdtempSync(join(tmpdir(), 'confide-console-oidc-'));
  let served: Served;
  let issuer: Server;
  let issuerUrl: string;
  const redeemed: Array<{ verifierMatched: boolean; clientId: string | null; redirectUri: string | null }> = [];
  /** Refresh grants the issuer answered: the refresh token and client each named. */
  const refreshed: Array<{ refreshToken: string | null; clientId: string | null }> = [];
  let refreshesGranted = 0;

  before(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    // A minimal issuer: discovery, an authorization endpoint that approves at once, a token endpoint that checks PKCE (S256).
    const pending = new Map<string, { challenge: string; redirectUri: string }>();
    issuer = createServer((req, res) => {
      const url = new URL(req.url ?? '/', issuerUrl);
      res.setHeader('access-control-allow-origin', '*');
      if (url.pathname === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify({ issuer: issuerUrl, authorization_endpoint: `${issuerUrl}/authorize`, token_endpoint: `${issuerUrl}/token` }));
      }
      if (url.pathname === '/authorize') {
        const code = randomBytes(8).toString('hex');
        const redirectUri = url.searchParams.get('redirect_uri')!;
        pending.set(code, { challenge: url.searchParams.get('code_challenge') ?? '', redirectUri });
        res.statusCode = 302;
        res.setHeader('location', `${redirectUri}?code=${code}&state=${encodeURIComponent(url.searchParams.get('state') ?? '')}`);
        return res.end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const form = new URLSearchParams(body);
          res.setHeader('content-type', 'application/json');
          if (form.get('grant_type') === 'refresh_token') {
            refreshed.push({ refreshToken: form.get('refresh_token'), clientId: form.get('client_id') });
            // The first try finds the issuer unavailable: the page keeps its refresh token and asks again later.
            if (refreshed.length === 1) {
              res.statusCode = 503;
              return res.end(JSON.stringify({ error: 'temporarily_unavailable' }));
            }
            if (form.get('refresh_token') !== `refresh-${refreshesGranted + 1}`) {
              res.statusCode = 400;
              return res.end(JSON.stringify({ error: 'invalid_grant' }));
            }
            refreshesGranted++;
            // A new refresh token each time (rotation), and a long life this time.
            return res.end(JSON.stringify({ access_token: apiToken, token_type: 'Bearer', refresh_token: `refresh-${refreshesGranted + 1}`, expires_in: 3600 }));
          }
          const grant = pending.get(form.get('code') ?? '');
          const verifierMatched = grant !== undefined && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') === grant.challenge;
          redeemed.push({ verifierMatched, clientId: form.get('client_id'), redirectUri: form.get('redirect_uri') });
          if (!verifierMatched || form.get('redirect_uri') !== grant?.redirectUri) {
            res.statusCode = 400;
            return res.end(JSON.stringify({ error: 'invalid_grant' }));
          }
          // A short-lived access token with a refresh token: the console refreshes it before it expires.
          res.end(JSON.stringify({ access_token: apiToken, token_type: 'Bearer', refresh_token: 'refresh-1', expires_in: 2 }));
        });
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((done) => issuer.listen(0, '127.0.0.1', done));
    issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
    served = await startServe(
      ['--host', '127.0.0.1', '--port', String(await freePort()), '--data-dir', join(tmp, 'data'), '--console-oidc-issuer', issuerUrl, '--console-oidc-client-id', 'confide-console'],
      { CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: apiToken },
    );
  });

  after(async () => {
    served?.child.kill('SIGTERM');
    await served?.exited;
    issuer?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('signed out the API refuses the console; a wrong pasted token too; the issuer sign-in (PKCE checked) gives a token the API takes', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${served.url}/console/#/policy`);
      assert.match(response!.headers()['content-security-policy']!, new RegExp(`connect-src 'self' ${issuerUrl.replace(/[.]/g, '\\.')};`));
      await page.locator('main[data-page="policy"] [role="alert"]').first().waitFor();
      assert.equal(await page.locator('main [role="alert"]').first().getAttribute('data-code'), 'ERR_UNAUTHENTICATED');

      await page.getByLabel('Bearer token').fill('not-the-token');
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.locator('main [role="alert"][data-code="ERR_UNAUTHENTICATED"]').first().waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();

      await page.getByRole('button', { name: `Sign in with 127.0.0.1:${new URL(issuerUrl).port}` }).click();
      await page.getByText('signed in (bearer token)').waitFor();
      assert.deepEqual(redeemed, [{ verifierMatched: true, clientId: 'confide-console', redirectUri: `${served.url}/console/` }]);
      assert.equal(new URL(page.url()).search, '', 'the code is taken out of the address bar');
      await page.goto(`${served.url}/console/#/policy`);
      await page.waitForFunction(() => (document.querySelector('#policy-text') as HTMLTextAreaElement | null)?.value.includes('version'));
      assert.equal(await page.locator('main [role="alert"]').count(), 0);
      await page.screenshot({ path: join(OUTPUT, 'signed-in-policy.png'), fullPage: true });

      // The access token lived 2 s: before it expired the page offered the refresh token; the issuer was unavailable (503), so the
      // page kept it and asked again a second later, then kept the new (rotated) one.
      await page.waitForFunction(() => sessionStorage.getItem('confide.console.refresh')?.includes('"refresh-2"'), undefined, { timeout: loadScaled(15_000) });
      assert.deepEqual(refreshed, [
        { refreshToken: 'refresh-1', clientId: 'confide-console' },
        { refreshToken: 'refresh-1', clientId: 'confide-console' },
      ]);
      const kept = await page.evaluate(() => JSON.parse(sessionStorage.getItem('confide.console.refresh')!) as { issuedAt: number; expiresAt: number });
      assert.equal(kept.expiresAt - kept.issuedAt, 3_600_000);
      await page.reload();
      await page.waitForFunction(() => (document.querySelector('#policy-text') as HTMLTextAreaElement | null)?.value.includes('version'));
      assert.equal(await page.locator('[role="alert"]').count(), 0);
      await page.getByRole('button', { name: 'Sign out' }).click();
      assert.equal(await page.evaluate(() => sessionStorage.getItem('confide.console.refresh')), null, 'signing out forgets the refresh token');
    } finally {
      await context.close();
    }
  });
});

describe('console policy save in isolated mode: signed in the page with the operator\'s management key, which never leaves it', { skip: noBrowser }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'confide-console-isolated-'));
  let served: Served;
  /** Two policy-management certificates (ES256 and RS256) and a stranger the server does not list. */
  let alice: TestIdentity;
  let bob: TestIdentity;
  let stranger: TestIdentity;

  before(async () => {
    [alice, bob, stranger] = await Promise.all([testIdentity('console-admin-alice'), testIdentity('console-admin-bob', { key: 'RSA-2048' }), testIdentity('console-stranger')]);
    const certificates = join(tmp, 'management.pem');
    writeFileSync(certificates, alice.pem + bob.pem);
    writeFileSync(join(tmp, 'bob-key.pem'), bob.keyPem);
    writeFileSync(join(tmp, 'bob-cert.der'), bob.der);
    served = await startServe(['--host', '127.0.0.1', '--port', String(await freePort()), '--data-dir', join(tmp, 'data')], {
      CONFIDE_ATTESTATION_MODE: 'isolated',
      CONFIDE_ATTESTATION_SIGNING_CERTIFICATES: certificates,
    });
  });

  after(async () => {
    served?.child.kill('SIGTERM');
    await served?.exited;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('unsigned and stranger-signed saves are refused; saves signed with ES256 (pasted) and RS256 (files) are taken, and an earlier text can be set again; no request carries the key', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const sent: string[] = [];
    context.on('request', (r) => sent.push(`${r.url()}\n${r.postData() ?? ''}`));
    try {
      const page = await context.newPage();
      await page.goto(`${served.url}/console/#/policy`);
      await page.locator('#policy-type').selectOption('SgxEnclave');
      await page.waitForFunction(() => (document.querySelector('#policy-text') as HTMLTextAreaElement | null)?.value.includes('version'));
      await page.locator(`[data-testid="certificates"] li[data-thumbprint="${createHash('sha1').update(alice.der).digest('hex').toUpperCase()}"]`).waitFor();
      const editor = page.locator('#policy-text');
      const policy = (n: number): string => `version= 1.0;\nauthorizationrules {\n  => permit();\n};\nissuancerules {\n  => issue(type="console-signed", value=${n});\n};`;
      async function save(text: string): Promise<void> {
        await editor.fill(text);
        await page.locator('#review').click();
        await page.locator('#save-policy').click();
      }
      const saveError = page.getByTestId('policy-save-error');
      /** Saved, and the page has read the policy back (the review closes then). */
      async function saved(text: string): Promise<void> {
        await page.locator('[data-testid="policy-saved"], [data-testid="policy-save-error"]').waitFor();
        assert.equal(await saveError.count(), 0, `refused: ${await saveError.first().getAttribute('data-code').catch(() => '')}`);
        await page.locator('#save-policy').waitFor({ state: 'detached' });
        assert.equal(await editor.inputValue(), text);
      }
      async function useKey(text: string): Promise<void> {
        await page.locator('#management-key-text').fill(text);
        await page.locator('#use-key').click();
      }

      await save(policy(1));
      await saveError.waitFor();
      assert.equal(await saveError.getAttribute('data-code'), 'ERR_POLICY_SIGNER_UNTRUSTED');

      // A key that is not its certificate's is refused in the page, before anything is signed.
      await useKey(stranger.keyPem + alice.pem);
      assert.equal(await page.getByTestId('signer-error').getAttribute('data-code'), 'ERR_POLICY_TOKEN_INVALID');
      assert.equal(await page.locator('#management-key-text').inputValue(), '', 'the pasted key is cleared once read');

      await useKey(stranger.keyPem + stranger.pem);
      assert.equal(await page.getByTestId('policy-signer').getAttribute('data-management'), 'false');
      await page.locator('#save-policy').click();
      await page.locator('[data-testid="policy-save-error"][data-code="ERR_POLICY_SIGNER_UNTRUSTED"]').waitFor();
      await page.locator('#forget-key').click();

      await useKey(alice.keyPem + alice.pem);
      assert.equal(await page.getByTestId('policy-signer').getAttribute('data-management'), 'true');
      await page.locator('#save-policy').click();
      await saved(policy(1));
      await page.screenshot({ path: join(OUTPUT, 'policy-signed.png'), fullPage: true });

      // The first text again after another, by the same signer: a new signed request each time (a replayed one is ERR_POLICY_REPLAYED).
      await save(policy(2));
      await saved(policy(2));
      await save(policy(1));
      await saved(policy(1));

      // RS256, with the key and the certificate (DER) as two files.
      await editor.fill(policy(3));
      await page.locator('#review').click();
      await page.locator('#forget-key').click();
      await page.locator('#management-key-file').setInputFiles([join(tmp, 'bob-key.pem'), join(tmp, 'bob-cert.der')]);
      await page.locator('#use-key').click();
      assert.equal(await page.getByTestId('policy-signer').getAttribute('data-management'), 'true');
      await page.locator('#save-policy').click();
      await saved(policy(3));
      assert.equal(await saveError.count(), 0);

      const res = await context.request.get(`${served.url}/policies/SgxEnclave?api-version=2022-08-01`, { headers: { authorization: 'Bearer console-test' } });
      const stored = JSON.parse(Buffer.from(((await res.json()) as { token: string }).token.split('.')[1]!, 'base64url').toString()) as { 'x-ms-policy-signer'?: { x5c: string[] } };
      assert.deepEqual(stored['x-ms-policy-signer']?.x5c, [Buffer.from(bob.der).toString('base64')]);

      // No request, and no storage, holds any line of either private key.
      const keyLines = [alice.keyPem, bob.keyPem, stranger.keyPem].flatMap((pem) => pem.split('\n').filter((l) => l.length >= 32 && !l.startsWith('-----')));
      assert.ok(keyLines.length >= 3 && sent.length > 0);
      for (const line of keyLines) assert.ok(!sent.some((r) => r.includes(line)), 'a private key line was sent');
      const stores = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
      for (const line of keyLines) assert.ok(!stores.includes(line), 'a private key line was stored');
    } finally {
      await context.close();
    }
  });
});
