/**
 * The console's shell: loads the overview facts, signs in when the server needs it, and shows
 * one page at a time by the URL's hash (#/attestation), so every page has a link and the server
 * serves one document.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi } from './api/client.js';
import type { ConsoleInfo } from './api/info.js';
import { infoRequest } from './api/info-request.js';
import { completeSignIn, DEV_TOKEN, refreshDueIn, refreshRetryIn, refreshSignIn, RefreshUnavailable, storedToken } from './api/session.js';
import { Ctx } from './context.js';
import { SignIn } from './pages/sign-in.js';
import { LazyPage } from './ui/lazy-page.js';
import { ErrorLine } from './ui/parts.js';
import type { EvidenceInput } from './verify/evidence.js';

// Each page is its own chunk, fetched when first shown (esbuild splits at these imports).
const PAGES = [
  { path: 'overview', title: 'Overview', load: () => import('./pages/overview.js').then((m) => m.OverviewPage) },
  { path: 'attestation', title: 'Attestation', load: () => import('./pages/attestation.js').then((m) => m.AttestationPage) },
  { path: 'policy', title: 'Policies', load: () => import('./pages/policy.js').then((m) => m.PolicyPage) },
  { path: 'coordinator', title: 'Coordinator', load: () => import('./pages/coordinator.js').then((m) => m.CoordinatorPage) },
  { path: 'keyvault', title: 'Key vault', load: () => import('./pages/keyvault.js').then((m) => m.KeyVaultPage) },
  { path: 'ledger', title: 'Ledger', load: () => import('./pages/ledger.js').then((m) => m.LedgerPage) },
] as const;

function currentPath(): string {
  return location.hash.replace(/^#\/?/, '') || 'overview';
}

export function App() {
  const [path, setPath] = useState(currentPath());
  const [info, setInfo] = useState<ConsoleInfo | undefined>();
  const [failure, setFailure] = useState<unknown>();
  const [token, setToken] = useState<string | undefined>(storedToken());
  /** Refreshes done: an issuer may answer the same access token again, and the next refresh is planned anyway. */
  const [refreshes, setRefreshes] = useState(0);
  /** Refreshes in a row that failed because the issuer could not answer: each waits longer before the next try. */
  const [refreshFailures, setRefreshFailures] = useState(0);
  const [evidence, setEvidence] = useState<EvidenceInput | undefined>();

  useEffect(() => {
    const onHash = () => setPath(currentPath());
    addEventListener('hashchange', onHash);
    completeSignIn().then((done) => done && setToken(storedToken()), setFailure);
    infoRequest.then(setInfo, setFailure);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    // An issuer's access token is refreshed before it expires, as long as the tab is open; each new one schedules the next.
    // An issuer that cannot answer now (unreachable, 5xx, 429) is asked again later; one that refuses ends the refreshing.
    const dueIn = token === undefined ? undefined : refreshDueIn();
    if (dueIn === undefined) return;
    const timer = setTimeout(
      () =>
        refreshSignIn().then(
          (fresh) => {
            setRefreshFailures(0);
            setToken(fresh);
            setRefreshes((n) => n + 1);
          },
          (err) => (err instanceof RefreshUnavailable ? setRefreshFailures((n) => n + 1) : setFailure(err)),
        ),
      refreshFailures === 0 ? dueIn : Math.max(dueIn, refreshRetryIn(refreshFailures)),
    );
    return () => clearTimeout(timer);
  }, [token, refreshes, refreshFailures]);

  const api = useMemo(() => createApi(() => token ?? (info?.auth.acceptsAnyToken ? DEV_TOKEN : undefined)), [token, info]);
  const page = PAGES.find((p) => p.path === path) ?? PAGES[0];
  useEffect(() => {
    document.title = `${page.title} · Confide console`;
  }, [page]);
  useEffect(() => {
    // The shell and its navigation are usable from here on: the time to interactive the browser test reads.
    if (info !== undefined && performance.getEntriesByName('confide:interactive').length === 0) performance.mark('confide:interactive');
  }, [info]);

  if (failure !== undefined && info === undefined) return <ErrorLine error={failure} />;
  if (info === undefined) return <p class="loading">Loading…</p>;
  return (
    <Ctx.Provider value={{ api, info, evidence, setEvidence }}>
      {info.mode === 'dev' ? (
        <div class="dev-banner" role="status" data-testid="dev-banner">
          DEV MODE: simulated TEE, generated CA and permissive defaults. Never use it for real secrets.
        </div>
      ) : null}
      <header class="top">
        <a class="brand" href="#/overview">
          Confide <span class="version">{info.version}</span>
        </a>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a href={`#/${p.path}`} aria-current={p.path === page.path ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <SignIn token={token} onToken={setToken} />
      </header>
      {failure !== undefined ? <ErrorLine error={failure} /> : null}
      <main id="main" data-page={page.path}>
        <h1>{page.title}</h1>
        <LazyPage load={page.load} />
      </main>
    </Ctx.Provider>
  );
}
