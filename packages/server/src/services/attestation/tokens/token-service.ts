/**
 * Issues MAA-shaped JWTs and publishes the keys that verify them. Signing keys live in the
 * store (private halves sealed) so every replica and every restart signs with the same key.
 * Rotation retires the current key; a retired key stays in /certs until every token it may
 * have signed has expired, then it is pruned.
 */
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { isConfideError, systemClock, toBase64, type Clock } from '@confide/core';
import { ServerError } from '../../../errors/index.js';
import type { Repositories, Store } from '@confide/store';
import type { Seal } from '../../../seal/index.js';
import { encodeRs256Header, encodeUnsecured, signRs256, signRs256Encoded } from './jwt.js';
import { openIdConfiguration, type OpenIdConfiguration } from './openid.js';
import {
  generateSigningKey,
  publicKeyOf,
  sameSigningKey,
  unsealPrivateKey,
  type SigningKey,
  type StoredSigningKey,
} from './signing-key.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** MAA's default token validity: 8 hours. */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 8 * 60 * 60;
const DEFAULT_ROTATE_AFTER_DAYS = 30;
const DEFAULT_REFRESH_SECONDS = 60;

export interface TokenServiceOptions {
  store: Store;
  seal: Seal;
  clock?: Clock | undefined;
  /** Instance base URL, e.g. https://attest.example.com (a trailing slash is dropped); a function is read at every use. */
  issuer: string | (() => string);
  /** Default `exp - iat` (default 28800). */
  tokenLifetimeSeconds?: number | undefined;
  /** Upper bound of any token's lifetime, and so how long a retired key stays published (default: tokenLifetimeSeconds). */
  maxTokenLifetimeSeconds?: number | undefined;
  /** Automatic rotation when the current key is older than this at sign time (default 30). */
  rotateAfterDays?: number | undefined;
  /** How long an instance trusts its cached view of the current key before re-reading the store; another replica may have rotated (default 60). */
  refreshSeconds?: number | undefined;
}

export interface SignOptions {
  /** Lifetime of this token (for a policy's report_validity_in_minutes); clamped to maxTokenLifetimeSeconds. */
  lifetimeSeconds?: number | undefined;
}

/** One /certs entry: x5c holds standard base64 DER, n/e let generic JOSE verifiers use it too. */
export interface MaaJwk {
  kty: 'RSA';
  kid: string;
  x5c: string[];
  n: string;
  e: string;
}

export interface MaaJwks {
  keys: MaaJwk[];
}

export interface TokenService {
  /** Issuer (no trailing slash); also the `iss` claim. Throws ERR_CONFIG_INVALID when a dynamic issuer is not a URL. */
  issuer(): string;
  /** `${issuer}/certs`, the `jku` header of signed tokens. */
  jwksUri(): string;
  /** kid of the key that signs now; undefined while degraded. */
  currentKid(): string | undefined;
  /**
   * RS256 JWT with header {alg, jku, kid, typ}; iat, nbf, exp, iss and jti are added unless the
   * payload has them. Rotates first when the current key is due. Throws ERR_SEAL_UNSEAL_FAILED,
   * ERR_STORE_UNAVAILABLE; RangeError when the payload's own exp exceeds the maximum lifetime.
   */
  sign(payload: object, options?: SignOptions): Promise<string>;
  /**
   * An RS256 JWS over `payload` exactly as given (no claims added), with the signing certificate
   * in the header (`kid`, `x5t`, `x5t#S256`, `x5c`), so a reader verifies it without /certs: the
   * key vault's release response. Throws as `sign`.
   */
  signWithCertificate(payload: object): Promise<string>;
  /** Unsecured token (`alg:"none"`, empty signature) with the same added claims, for draft policies. */
  unsigned(payload: object, options?: SignOptions): string;
  /** Keys that may have signed an unexpired token, current first. Throws ERR_STORE_UNAVAILABLE. */
  jwks(): Promise<MaaJwks>;
  /** Makes a new current key now; returns its kid. Throws ERR_STORE_UNAVAILABLE. */
  rotate(): Promise<string>;
  openidConfiguration(): OpenIdConfiguration;
  /**
   * Why the service cannot sign, when it came up without an unsealable signing key (another seal
   * key than the one that sealed it); undefined when it signs. /certs still publishes the keys.
   */
  degraded(): string | undefined;
}

interface Current {
  key: SigningKey;
  privateKey: KeyObject;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v <= 0) throw new ServerError('ERR_CONFIG_INVALID', `${name} must be a positive integer, got ${String(value)}`);
  return v;
}

function normalizeIssuer(issuer: string): string {
  const trimmed = issuer.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ServerError('ERR_CONFIG_INVALID', `token issuer "${issuer}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ServerError('ERR_CONFIG_INVALID', `token issuer "${issuer}" must be an http(s) URL`);
  return trimmed;
}

/**
 * The encoded JWS header naming `key`'s certificate (kid, x5t, x5t#S256, x5c): the same for every
 * payload the key signs, so it is made once per key instead of hashing and encoding the
 * certificate again for every key release.
 */
const certificateHeaders = new WeakMap<SigningKey, string>();

function certificateHeader(key: SigningKey): string {
  let encoded = certificateHeaders.get(key);
  if (encoded === undefined) {
    const der = key.certificateDer;
    encoded = encodeRs256Header({
      alg: 'RS256',
      kid: key.kid,
      x5t: createHash('sha1').update(der).digest('base64url'),
      'x5t#S256': createHash('sha256').update(der).digest('base64url'),
      typ: 'JWT',
      x5c: [toBase64(der)],
    });
    certificateHeaders.set(key, encoded);
  }
  return encoded;
}

/** Parsed records by kid; /certs reads the store on every call, so certificates are parsed once. */
type KeyCache = Map<string, SigningKey>;

async function loadKeys(repos: Repositories, cache: KeyCache): Promise<SigningKey[]> {
  const rows = await repos.signingKeys.list();
  const keys = rows.map((record: StoredSigningKey) => {
    const known = cache.get(record.kid);
    if (known && sameSigningKey(known.record, record)) return known;
    const parsed = publicKeyOf(record);
    cache.set(parsed.kid, parsed);
    return parsed;
  });
  if (cache.size > keys.length) {
    const live = new Set(keys.map((k) => k.kid));
    for (const kid of cache.keys()) if (!live.has(kid)) cache.delete(kid);
  }
  return keys;
}

/** The newest key not yet retired; ties (two replicas creating at once) go to the larger kid so all agree. */
function pickCurrent(keys: SigningKey[]): SigningKey | undefined {
  let best: SigningKey | undefined;
  for (const k of keys) {
    if (k.retiredAt !== undefined) continue;
    if (!best || k.createdAt > best.createdAt || (k.createdAt === best.createdAt && k.kid > best.kid)) best = k;
  }
  return best;
}

/**
 * Creates the service, creating the first signing key when the store has none. A current key
 * that cannot be unsealed leaves the service degraded (`degraded()` says why; signing throws
 * ERR_SERVICE_UNAVAILABLE) instead of failing the start, so the rest of the server can recover.
 * Throws ERR_CONFIG_INVALID, ERR_STORE_UNAVAILABLE, ERR_INTERNAL (a damaged key record).
 */
export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const { store, seal } = options;
  const clock = options.clock ?? systemClock;
  const issuerOption = options.issuer;
  const issuer = typeof issuerOption === 'string' ? ((fixed) => () => fixed)(normalizeIssuer(issuerOption)) : () => normalizeIssuer(issuerOption());
  issuer(); // fail at start on a bad issuer
  const jwksUri = (): string => `${issuer()}/certs`;
  const lifetime = positiveInteger('tokenLifetimeSeconds', options.tokenLifetimeSeconds, DEFAULT_TOKEN_LIFETIME_SECONDS);
  const maxLifetime = positiveInteger('maxTokenLifetimeSeconds', options.maxTokenLifetimeSeconds, lifetime);
  if (maxLifetime < lifetime) throw new ServerError('ERR_CONFIG_INVALID', 'maxTokenLifetimeSeconds must not be below tokenLifetimeSeconds');
  const rotateAfterMs = positiveInteger('rotateAfterDays', options.rotateAfterDays, DEFAULT_ROTATE_AFTER_DAYS) * DAY_MS;
  const refreshSeconds = options.refreshSeconds ?? DEFAULT_REFRESH_SECONDS;
  if (!Number.isSafeInteger(refreshSeconds) || refreshSeconds < 0) throw new ServerError('ERR_CONFIG_INVALID', `refreshSeconds must be a non-negative integer, got ${refreshSeconds}`);
  const refreshMs = refreshSeconds * 1000;
  // A replica may sign with a retired key until it next refreshes, so that window adds to the retention.
  const retentionMs = (maxLifetime + refreshSeconds) * 1000;
  const certificateDays = Math.ceil((rotateAfterMs + retentionMs) / DAY_MS) + 30;

  const cache: KeyCache = new Map();
  let current: Current | undefined;
  let checkedAt = 0;
  let rotating: Promise<Current> | undefined;

  const due = (k: SigningKey, now: number): boolean => now >= k.createdAt + rotateAfterMs;
  const published = (k: SigningKey, now: number): boolean => k.retiredAt === undefined || now < k.retiredAt + retentionMs;

  function adopt(key: SigningKey, privateKey?: KeyObject): Current {
    if (current?.key.kid === key.kid) return { key, privateKey: current.privateKey };
    return { key, privateKey: privateKey ?? unsealPrivateKey(key.record, seal) };
  }

  /** Retires every current key and stores a new one; with `onlyIfDue`, first re-checks in the transaction that no replica already did. */
  async function doRotate(onlyIfDue: boolean): Promise<Current> {
    const now = clock.now();
    const fresh = await generateSigningKey({ issuer: issuer(), now, validDays: certificateDays, seal });
    const freshKey = publicKeyOf(fresh.record);
    const chosen = await store.tx(async (repos) => {
      const keys = await loadKeys(repos, cache);
      if (onlyIfDue) {
        const existing = pickCurrent(keys);
        if (existing && !due(existing, now.getTime())) return existing;
      }
      for (const k of keys) {
        if (k.retiredAt === undefined) await repos.signingKeys.retire(k.kid, now.toISOString());
        else if (!published(k, now.getTime())) await repos.signingKeys.delete(k.kid);
      }
      await repos.signingKeys.insert(fresh.record);
      return freshKey;
    });
    return adopt(chosen, chosen === freshKey ? fresh.privateKey : undefined);
  }

  function rotateOnce(onlyIfDue: boolean): Promise<Current> {
    rotating ??= doRotate(onlyIfDue).finally(() => {
      rotating = undefined;
    });
    return rotating;
  }

  async function ensureCurrent(): Promise<Current> {
    const now = clock.now().getTime();
    if (current && now - checkedAt < refreshMs && !due(current.key, now)) return current;
    const candidate = pickCurrent(await loadKeys(store, cache));
    const next = candidate && !due(candidate, now) ? adopt(candidate) : await rotateOnce(true);
    current = next;
    checkedAt = now;
    return next;
  }

  function claims(payload: object, signOptions: SignOptions | undefined): Record<string, unknown> {
    const nowSec = Math.floor(clock.now().getTime() / 1000);
    const requested = signOptions?.lifetimeSeconds ?? lifetime;
    const seconds = Math.max(0, Math.min(Math.floor(requested), maxLifetime));
    const out: Record<string, unknown> = { iat: nowSec, nbf: nowSec, exp: nowSec + seconds, iss: issuer(), jti: randomBytes(32).toString('hex'), ...payload };
    if (typeof out.exp === 'number' && out.exp > nowSec + maxLifetime) {
      throw new RangeError(`token exp ${out.exp} is beyond the maximum lifetime of ${maxLifetime} s; its key could be unpublished before it expires`);
    }
    return out;
  }

  let degraded: string | undefined;
  try {
    await ensureCurrent();
  } catch (err) {
    if (!isConfideError(err, 'ERR_SEAL_UNSEAL_FAILED')) throw err;
    degraded = 'the token signing key cannot be unsealed: the seal key is not the one that sealed it (docs/recovery.md)';
  }
  const signable = async (): Promise<Current> => {
    if (degraded !== undefined) throw new ServerError('ERR_SERVICE_UNAVAILABLE', `attestation cannot sign tokens: ${degraded}`);
    return ensureCurrent();
  };

  return {
    issuer,
    jwksUri,
    currentKid: () => current?.key.kid,
    async sign(payload, signOptions) {
      const body = claims(payload, signOptions);
      const key = await signable();
      return signRs256({ alg: 'RS256', jku: jwksUri(), kid: key.key.kid, typ: 'JWT' }, body, key.privateKey);
    },
    async signWithCertificate(payload) {
      const { key, privateKey } = await signable();
      return signRs256Encoded(certificateHeader(key), payload, privateKey);
    },
    unsigned(payload, signOptions) {
      return encodeUnsecured({ alg: 'none', typ: 'JWT' }, claims(payload, signOptions));
    },
    async jwks() {
      const now = clock.now().getTime();
      const keys = await loadKeys(store, cache);
      const live = keys.filter((k) => published(k, now));
      const currentKid = current?.key.kid;
      live.sort((a, b) => Number(b.kid === currentKid) - Number(a.kid === currentKid) || b.createdAt - a.createdAt);
      return {
        keys: live.map((k) => ({ kty: 'RSA' as const, kid: k.kid, x5c: [toBase64(k.certificateDer)], n: k.publicJwk.n, e: k.publicJwk.e })),
      };
    },
    async rotate() {
      current = await rotateOnce(false);
      checkedAt = clock.now().getTime();
      degraded = undefined; // a fresh key is sealed under the current seal key
      return current.key.kid;
    },
    openidConfiguration: () => openIdConfiguration(issuer()),
    degraded: () => degraded,
  };
}
