/**
 * Who the console acts as: nobody in dev mode (any bearer token passes there, so it sends a fixed
 * one), otherwise a pasted bearer token or an access token from the configured OpenID Connect
 * issuer (authorization code with PKCE, a public client). The token lives in sessionStorage:
 * gone with the tab, never sent anywhere but this origin's APIs.
 */
import { digest, toBase64Url, utf8 } from '@confide/core';

const TOKEN = 'confide.console.token';
const PENDING = 'confide.console.oidc';
/** The issuer's refresh token for the access token in TOKEN, and when that one expires. */
const REFRESH = 'confide.console.refresh';
/** Dev mode accepts any bearer token; the routes still want the header. */
export const DEV_TOKEN = 'console-dev-mode';

export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN) ?? undefined;
}

/** Keeps a pasted token (or forgets the token with undefined); a refresh token kept for an earlier one goes. */
export function storeToken(token: string | undefined): void {
  sessionStorage.removeItem(REFRESH);
  if (token === undefined || token.trim() === '') sessionStorage.removeItem(TOKEN);
  else sessionStorage.setItem(TOKEN, token.trim());
}

interface Refresh {
  refreshToken: string;
  issuer: string;
  clientId: string;
  /** When the access token was issued and when it expires (ms since the epoch). */
  issuedAt: number;
  expiresAt: number;
}

interface TokenAnswer {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
}

/** Keeps the issuer's answer: the access token, and a refresh token with the access token's lifetime when it gave both. */
function keepAnswer(answer: TokenAnswer, client: { issuer: string; clientId: string }, previousRefresh?: string): string {
  if (typeof answer.access_token !== 'string' || answer.access_token === '') throw new Error('the issuer answered no access_token');
  storeToken(answer.access_token);
  // An issuer that does not rotate refresh tokens answers none on a refresh: the one it gave stays good.
  const refreshToken = typeof answer.refresh_token === 'string' && answer.refresh_token !== '' ? answer.refresh_token : previousRefresh;
  const lifetime = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in * 1000 : undefined;
  if (refreshToken !== undefined && lifetime !== undefined) {
    const issuedAt = Date.now();
    const kept: Refresh = { refreshToken, issuer: client.issuer, clientId: client.clientId, issuedAt, expiresAt: issuedAt + lifetime };
    sessionStorage.setItem(REFRESH, JSON.stringify(kept));
  }
  return answer.access_token;
}

function keptRefresh(): Refresh | undefined {
  try {
    return (JSON.parse(sessionStorage.getItem(REFRESH) ?? 'null') as Refresh | null) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Refresh at most this long before the access token expires. */
const REFRESH_BEFORE_MS = 60_000;

/**
 * Milliseconds until the signed-in access token should be refreshed (0: now), or undefined when
 * there is nothing to refresh with: when a fifth of its lifetime, at most a minute, is left.
 */
export function refreshDueIn(now = Date.now()): number | undefined {
  const kept = keptRefresh();
  if (kept === undefined) return undefined;
  const margin = Math.min(REFRESH_BEFORE_MS, (kept.expiresAt - kept.issuedAt) / 5);
  return Math.max(0, kept.expiresAt - margin - now);
}

/**
 * A refresh that failed for a reason that may pass: the issuer could not be reached, or answered
 * 5xx or 429. The refresh token is kept and the console tries again later.
 */
export class RefreshUnavailable extends Error {}

/** Wait before the next try after `failures` unavailable refreshes in a row: 1 s, doubling, at most 30 s. */
export function refreshRetryIn(failures: number): number {
  return Math.min(1000 * 2 ** Math.max(0, failures - 1), 30_000);
}

/**
 * Trades the refresh token for a new access token at the issuer's token endpoint (a public
 * client: client_id, no secret) and keeps it. Returns the new access token. Throws
 * RefreshUnavailable when the issuer cannot answer now (the refresh token stays), and an Error
 * when it refuses; the refresh token is then forgotten (the access token stays until it expires).
 */
export async function refreshSignIn(): Promise<string> {
  const kept = keptRefresh();
  if (kept === undefined) throw new Error('no refresh token is kept for this sign-in');
  const { token_endpoint } = await discover(kept.issuer, reachIssuer);
  const res = await reachIssuer(token_endpoint, {
    method: 'POST',
    credentials: 'omit',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: kept.refreshToken, client_id: kept.clientId }).toString(),
  });
  if (!res.ok) {
    sessionStorage.removeItem(REFRESH);
    throw new Error(`the issuer refused to refresh the sign-in (${res.status}): sign in again when the token expires`);
  }
  return keepAnswer((await res.json()) as TokenAnswer, kept, kept.refreshToken);
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

/** fetch, where an issuer that cannot answer now (the network, a 5xx or a 429) throws RefreshUnavailable. */
async function reachIssuer(url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new RefreshUnavailable(`the issuer could not be reached to refresh the sign-in: ${(err as Error).message}`);
  }
  if (res.status >= 500 || res.status === 429) throw new RefreshUnavailable(`the issuer answered ${res.status} to the refresh`);
  return res;
}

/** The issuer's discovery document; any other failure than `get`'s own (a 404, no endpoints) is an Error. */
async function discover(issuer: string, get: (url: string, init: RequestInit) => Promise<Response> = fetch): Promise<Discovery> {
  const res = await get(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { credentials: 'omit' });
  if (!res.ok) throw new Error(`the issuer's discovery document answered ${res.status}`);
  const doc = (await res.json()) as Partial<Discovery>;
  if (typeof doc.authorization_endpoint !== 'string' || typeof doc.token_endpoint !== 'string') throw new Error('the discovery document names no authorization or token endpoint');
  return doc as Discovery;
}

function randomText(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

function redirectUri(): string {
  return `${location.origin}/console/`;
}

/** Sends the browser to the issuer's authorization endpoint (code flow, S256 PKCE, state). */
export async function beginSignIn(oidc: { issuer: string; clientId: string; scope: string }): Promise<void> {
  const { authorization_endpoint } = await discover(oidc.issuer);
  const verifier = randomText();
  const state = randomText();
  const challenge = toBase64Url(await digest('SHA-256', utf8(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, issuer: oidc.issuer, clientId: oidc.clientId }));
  const url = new URL(authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri(),
    scope: oidc.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/**
 * On return from the issuer (?code&state): redeems the code with the stored verifier and keeps
 * the access token. Returns false when the URL carries no answer. Throws on a state mismatch or a
 * refused redemption.
 */
export async function completeSignIn(): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (code === null && error === null) return false;
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as { verifier: string; state: string; issuer: string; clientId: string } | null;
  sessionStorage.removeItem(PENDING);
  if (error !== null) throw new Error(`the issuer refused the sign-in: ${error}`);
  if (pending === null || params.get('state') !== pending.state) throw new Error('the sign-in answer does not match a sign-in this tab started (state)');
  const { token_endpoint } = await discover(pending.issuer);
  const res = await fetch(token_endpoint, {
    method: 'POST',
    credentials: 'omit',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri(), client_id: pending.clientId, code_verifier: pending.verifier }).toString(),
  });
  if (!res.ok) throw new Error(`the issuer refused the code (${res.status})`);
  keepAnswer((await res.json()) as TokenAnswer, pending);
  return true;
}
