/**
 * Runs a test module of a runtime-agnostic package in headless Chromium, to prove the package
 * needs nothing of Node. The packages' compiled ESM is served as it is (no bundler) from a
 * virtual origin, with an import map for the workspace packages; @peculiar/x509 comes from its
 * own self-contained browser build. The browser is Debian's /usr/bin/chromium (or
 * CONFIDE_CHROMIUM): nothing is ever downloaded, and without one the caller skips with the
 * message of browserUnavailable().
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Route } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CONFIDE_CHROMIUM'] ?? '/usr/bin/chromium';

// A secure context (WebCrypto needs one): localhost is, and every request to it is answered by the route.
const ORIGIN = 'http://localhost:9';
const ROOT = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Where @noble/hashes's own ESM build is, as a path from the repository root. */
const NOBLE = '/' + relative(ROOT, dirname(createRequire(import.meta.url).resolve('@noble/hashes/sha2'))).split(sep).join('/') + '/esm';

/** Packages the page can import by name: the workspace's, and the third-party ESM they import. */
const IMPORTS: Record<string, string> = {
  '@noble/hashes/legacy': `${NOBLE}/legacy.js`,
  '@noble/hashes/sha2': `${NOBLE}/sha2.js`,
  '@noble/hashes/crypto': `${NOBLE}/crypto.js`,
  '@confide/core': '/packages/core/dist/src/index.js',
  '@confide/evidence': '/packages/evidence/dist/src/index.js',
  '@confide/policy': '/packages/policy/dist/src/index.js',
  '@confide/audit': '/packages/audit/dist/src/index.js',
  '@confide/ledger': '/packages/ledger/dist/src/index.js',
  '@peculiar/x509': '/x509-module.js',
};

/** Why no browser test can run here, or undefined when Chromium is present. */
export function browserUnavailable(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CONFIDE_CHROMIUM): browser runs skipped`;
}

export interface BrowserRun {
  /** Path of the module to run, relative to the repository root (compiled JS). */
  module: string;
  /** Name of the async function the module exports; it gets `input` and its result comes back. */
  exportName: string;
  /** Structured-cloneable input (JSON values). */
  input: unknown;
  timeoutMs?: number;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.html': 'text/html' };

function x509Module(): string {
  // Its self-contained build defines a global `x509`; the page's module re-exports its names.
  const names = Object.keys(createRequire(import.meta.url)('@peculiar/x509') as object).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  return names.map((n) => `export const ${n} = globalThis.x509.${n};`).join('\n');
}

function page(): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">${JSON.stringify({ imports: IMPORTS })}</script>
<script src="/x509-bundle.js"></script></head><body></body></html>`;
}

async function serve(route: Route): Promise<void> {
  const path = decodeURIComponent(new URL(route.request().url()).pathname);
  if (path === '/') return route.fulfill({ contentType: TYPES['.html']!, body: page() });
  if (path === '/x509-module.js') return route.fulfill({ contentType: TYPES['.js']!, body: x509Module() });
  if (path === '/x509-bundle.js') {
    const file = createRequire(import.meta.url).resolve('@peculiar/x509').replace(/x509\.cjs\.js$/, 'x509.js');
    return route.fulfill({ contentType: TYPES['.js']!, body: readFileSync(file, 'utf8') });
  }
  const file = resolve(ROOT, `.${path}`);
  if (!file.startsWith(ROOT + sep) || !existsSync(file)) return route.fulfill({ status: 404, body: `not found: ${path}` });
  return route.fulfill({ contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
}

/**
 * Loads `run.module` in a fresh headless Chromium page and returns what its `run.exportName`
 * resolved to for `run.input`. Errors in the page (a throw, a failed import, a console error)
 * reject with their message.
 */
export async function runInBrowser<T>(run: BrowserRun): Promise<T> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS, timeout: run.timeoutMs ?? 60_000 });
  try {
    const context = await browser.newContext();
    // Everything comes from the route: the page has no network.
    await context.route('**/*', (route) => (route.request().url().startsWith(ORIGIN) ? serve(route) : route.abort()));
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (err) => errors.push(err.message));
    await tab.goto(`${ORIGIN}/`);
    const result = await tab.evaluate(
      async ({ url, name, input }) => {
        const mod = (await import(url)) as Record<string, (input: unknown) => Promise<unknown>>;
        return mod[name]!(input);
      },
      { url: `${ORIGIN}/${run.module}`, name: run.exportName, input: run.input },
    );
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    return result as T;
  } finally {
    await browser.close();
  }
}
