/**
 * Verifies bearer JWTs with jose against a configured public key or a remote JWKS (cached,
 * refetched when an unknown kid shows up, at most once per cooldown). Asymmetric algorithms only:
 * `none` and HMAC are refused, so a published key can never act as a shared secret. jose refuses a
 * token whose `crit` header names an extension it does not understand (RFC 7515 §4.1.11).
 * The JWKS cache is ours rather than jose's remote set, so time comes from the injected clock.
 * A token that verified is remembered until its exp, and no longer than the JWKS it verified with
 * is used (verified-tokens.ts): clients send one token with every request.
 */
import type { KeyObject } from 'node:crypto';
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { ConfideError, systemClock, type Clock } from '@confide/core';
import { ServerError } from '../errors/index.js';
import { JWS_ALGORITHMS } from '../jose/algorithms.js';
import { verifiedTokens } from './verified-tokens.js';

export interface JwtVerifierOptions {
  jwksUrl?: string | undefined;
  publicKey?: KeyObject | undefined;
  /** Required `iss` when set. */
  issuer?: string | undefined;
  /** Required `aud` (a string or one of an array) when set. */
  audience?: string | undefined;
  /** Slack for exp and nbf (default 30 s). */
  clockToleranceSeconds?: number | undefined;
  clock?: Clock | undefined;
  fetch?: typeof fetch | undefined;
  /** How long a fetched JWKS is used before it is fetched again (default 600 s). */
  jwksCacheSeconds?: number | undefined;
  /** Least time between two fetches caused by unknown kids (default 30 s). */
  jwksCooldownSeconds?: number | undefined;
}

/** How many verified tokens a verifier remembers (verified-tokens.ts). */
const VERIFIED_TOKENS_REMEMBERED = 1024;

/** How long a fetched JWKS is used (jwksCacheSeconds, default 600 s), and so how long a token verified with it is remembered. */
const jwksPeriodMs = (options: JwtVerifierOptions): number => (options.jwksCacheSeconds ?? 600) * 1000;

/** Largest bearer token looked at; anything longer is refused before any parsing. */
const MAX_BEARER_TOKEN_LENGTH = 16 * 1024;

function refused(message: string, cause?: unknown): ConfideError {
  return new ServerError('ERR_UNAUTHENTICATED', `bearer token refused: ${message}`, cause === undefined ? {} : { cause });
}

/** Only public members reach the key import, so a JWKS that leaks a private member still yields a public key. */
function publicJwks(body: unknown): JSONWebKeySet {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new ServerError('ERR_SERVICE_UNAVAILABLE', 'the bearer-token JWKS has no keys array');
  const out: JSONWebKeySet['keys'] = [];
  for (const jwk of keys as unknown[]) {
    if (jwk === null || typeof jwk !== 'object') continue;
    const { kty, crv, n, e, x, y, kid, use, alg } = jwk as Record<string, unknown>;
    if (use === 'enc' || typeof kty !== 'string' || kty === 'oct') continue;
    out.push(Object.fromEntries(Object.entries({ kty, crv, n, e, x, y, kid, alg }).filter(([, v]) => typeof v === 'string')) as JSONWebKeySet['keys'][number]);
  }
  return { keys: out };
}

/** The JWKS of `url`, cached against the injected clock; `reloaded` runs each time a fetched set replaces the one in use, with the time it was fetched. */
function cachedJwks(url: string, options: JwtVerifierOptions, clock: Clock, reloaded: (at: number) => void): JWTVerifyGetKey {
  const doFetch = options.fetch ?? fetch;
  const cacheMs = jwksPeriodMs(options);
  const cooldownMs = (options.jwksCooldownSeconds ?? 30) * 1000;
  let cached: { set: JWTVerifyGetKey; at: number } | undefined;
  let inFlight: Promise<JWTVerifyGetKey> | undefined;

  async function load(): Promise<JWTVerifyGetKey> {
    let res: Response;
    try {
      res = await doFetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new ServerError('ERR_SERVICE_UNAVAILABLE', `the bearer-token JWKS ${url} cannot be fetched`, { cause: err });
    }
    if (!res.ok) throw new ServerError('ERR_SERVICE_UNAVAILABLE', `the bearer-token JWKS ${url} answered HTTP ${res.status}`);
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      throw new ServerError('ERR_SERVICE_UNAVAILABLE', `the bearer-token JWKS ${url} is not JSON`, { cause: err });
    }
    const set = createLocalJWKSet(publicJwks(body));
    cached = { set, at: clock.now().getTime() };
    reloaded(cached.at);
    return set;
  }
  const refresh = (): Promise<JWTVerifyGetKey> =>
    (inFlight ??= load().finally(() => {
      inFlight = undefined;
    }));
  const age = (): number => (cached ? clock.now().getTime() - cached.at : Infinity);

  return async (header, token) => {
    const set = cached && age() < cacheMs ? cached.set : await refresh();
    try {
      return await set(header, token);
    } catch (err) {
      // A kid the issuer has just rotated in: fetch again, at most once per cooldown.
      if (err instanceof errors.JWKSNoMatchingKey && age() >= cooldownMs) return (await refresh())(header, token);
      throw err;
    }
  };
}

/** A verifier; resolves to the JWT claims. Throws ERR_UNAUTHENTICATED, or ERR_SERVICE_UNAVAILABLE when the JWKS cannot be fetched. */
export function createJwtVerifier(options: JwtVerifierOptions): (token: string) => Promise<Readonly<Record<string, unknown>>> {
  if (!options.jwksUrl && !options.publicKey) throw new ServerError('ERR_CONFIG_INVALID', 'a JWT verifier needs a JWKS URL or a public key');
  const clock = options.clock ?? systemClock;
  const toleranceSeconds = options.clockToleranceSeconds ?? 30;
  const verified = verifiedTokens({ clock, toleranceMs: toleranceSeconds * 1000, capacity: VERIFIED_TOKENS_REMEMBERED });
  // A token verified with the JWKS is remembered until the set's period ends, one verified with the public key for one period.
  const periodMs = jwksPeriodMs(options);
  // A new JWKS may have dropped a key that remembered tokens verified with: they verify again, and
  // a verification that was under way when the set changed is not remembered.
  let jwksLoads = 0;
  let jwksFetchedAt = 0;
  const reloaded = (at: number): void => {
    jwksLoads += 1;
    jwksFetchedAt = at;
    verified.clear();
  };
  const remote = options.jwksUrl ? cachedJwks(options.jwksUrl, options, clock, reloaded) : undefined;
  const { publicKey } = options;

  async function verifyWith(token: string, key: KeyObject | JWTVerifyGetKey): Promise<Record<string, unknown>> {
    const verifyOptions = {
      algorithms: [...JWS_ALGORITHMS],
      requiredClaims: ['exp'],
      clockTolerance: toleranceSeconds,
      currentDate: clock.now(),
      ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
      ...(options.audience !== undefined ? { audience: options.audience } : {}),
    };
    const { payload } = typeof key === 'function' ? await jwtVerify(token, key, verifyOptions) : await jwtVerify(token, key, verifyOptions);
    return payload as Record<string, unknown>;
  }

  return async (token) => {
    if (token.length > MAX_BEARER_TOKEN_LENGTH) throw refused(`longer than ${MAX_BEARER_TOKEN_LENGTH} characters`);
    const known = verified.get(token);
    if (known !== undefined) return known;
    const loadsBefore = jwksLoads;
    const keys: Array<KeyObject | JWTVerifyGetKey> = [...(publicKey ? [publicKey] : []), ...(remote ? [remote] : [])];
    let last: unknown;
    for (const key of keys) {
      try {
        const claims = await verifyWith(token, key);
        if (jwksLoads === loadsBefore) verified.add(token, claims, (key === remote ? jwksFetchedAt : clock.now().getTime()) + periodMs);
        return claims;
      } catch (err) {
        if (err instanceof ConfideError) throw err;
        last = err;
      }
    }
    const reason = last instanceof errors.JOSEError ? last.code : 'invalid';
    throw refused(reason, last);
  };
}
