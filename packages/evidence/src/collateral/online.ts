/**
 * Fetches collateral from Intel PCS (API v4) and AMD KDS, with a cache that keeps TCB Info, QE
 * Identity and CRLs until their nextUpdate and endorsement keys while they are used. Network,
 * time and the fetch function are injected so that tests (and browsers, and PCCS mirrors) can
 * stand in.
 *
 * The URLs are built from values of evidence that is not verified yet (an SNP report's chip ID
 * and TCB; an Intel FMSPC once its PCK chain verified), so junk evidence must not make the
 * server fetch without end: the cache is bounded by entries and bytes, a failed fetch is
 * remembered for a while (asked again only after `failureRetryMs`), and fetches are limited in
 * number a minute and in flight; beyond that a request fails at once, fetching nothing.
 */
import { ConfideError, isAllZero, fromHex, fromUtf8, systemClock, toHex, type Clock } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { X509Crl } from '@peculiar/x509';
import type {
  AmdCollateral,
  AmdCollateralRequest,
  AmdProduct,
  CollateralProvider,
  IntelCollateral,
  IntelCollateralRequest,
  SignedJson,
} from './types.js';
import { decodeTcbHex } from '../sev-snp/tcb.js';
import { crlToDer } from './crl-bytes.js';
import { decodePemChain, pemCertificates } from './pem.js';
import { PCS_HEADERS, parsePcsSignedResponse, type PcsDocument } from './pcs-response.js';
import { signedJsonInfo } from './signed-json.js';
import { VerifyCache } from '../memo/verify-cache.js';

/** The subset of `fetch` the provider uses. */
export type FetchLike = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<Response>;

export interface OnlineCollateralOptions {
  /** Defaults to `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Decides cache expiry. Defaults to the system clock. */
  clock?: Clock;
  /** Intel PCS (or a PCCS serving the same v4 paths). Default https://api.trustedservices.intel.com. */
  intelBaseUrl?: string;
  /** Intel SGX Root CA CRL. Default https://certificates.trustedservices.intel.com/IntelSGXRootCA.der. */
  intelRootCaCrlUrl?: string;
  /** AMD KDS. Default https://kdsintf.amd.com. */
  amdBaseUrl?: string;
  /** Fetch the ARK-issued CRL with each VCEK chain. Default true. */
  amdCrl?: boolean;
  /** Per-request timeout. Default 10 000 ms. */
  timeoutMs?: number;
  /**
   * How long to keep a document whose nextUpdate has already passed when fetched, so that a
   * stale upstream is not asked again on every verification. Default 60 000 ms.
   */
  staleRetryMs?: number;
  /** How long a failed fetch (HTTP error, network error, unusable answer) is answered with its error without asking again. Default 60 000 ms. */
  failureRetryMs?: number;
  /** Most fetches started in any minute; past it a request fails with ERR_COLLATERAL_FETCH_FAILED without fetching. Default 120. */
  maxFetchesPerMinute?: number;
  /** Most fetches in flight at once; past it a request fails the same way. Default 16. */
  maxConcurrentFetches?: number;
  /** Most documents kept. Default 512. */
  maxCacheEntries?: number;
  /** Most bytes of documents kept. Default 32 MiB. */
  maxCacheBytes?: number;
}

const INTEL_PCS_URL = 'https://api.trustedservices.intel.com';
const INTEL_ROOT_CA_CRL_URL = 'https://certificates.trustedservices.intel.com/IntelSGXRootCA.der';
const AMD_KDS_URL = 'https://kdsintf.amd.com';

interface Entry<T> {
  value: T;
  /** Epoch ms after which the entry is fetched again; undefined keeps it while the cache has room. */
  expiresAt: number | undefined;
  /** Bytes the entry holds (what the cache is bounded by). */
  bytes: number;
}

interface Failure {
  error: unknown;
  /** Epoch ms from which the URL is asked again. */
  retryAt: number;
}

const MINUTE_MS = 60_000;
/** What a remembered failure is charged besides its URL. */
const FAILURE_BYTES = 512;
const MAX_FAILURES = 1024;

/** Bytes a value of the cache holds, roughly: byte arrays and two bytes a character. */
function sizeOf(value: unknown): number {
  if (typeof value === 'string') return value.length * 2;
  if (value instanceof Uint8Array) return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + sizeOf(v), 0);
  if (value !== null && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + sizeOf(v), 0);
  return 8;
}

/** URL without credentials, for messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

function fetchFailed(url: string, why: string, status?: number, cause?: unknown): ConfideError {
  const shown = safeUrl(url);
  return new EvidenceError('ERR_COLLATERAL_FETCH_FAILED', `GET ${shown} ${why}`, {
    cause,
    details: status === undefined ? { url: shown } : { url: shown, status },
  });
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** An online provider for Intel PCS v4 and AMD KDS. Its methods throw ERR_COLLATERAL_FETCH_FAILED and ERR_COLLATERAL_MALFORMED. */
export function onlineCollateral(options: OnlineCollateralOptions = {}): CollateralProvider {
  return new OnlineCollateral(options);
}

class OnlineCollateral implements CollateralProvider {
  private readonly fetchFn: FetchLike;
  private readonly clock: Clock;
  private readonly intelBase: string;
  private readonly rootCrlUrl: string;
  private readonly amdBase: string;
  private readonly amdCrl: boolean;
  private readonly timeoutMs: number;
  private readonly staleRetryMs: number;
  private readonly failureRetryMs: number;
  private readonly maxFetchesPerMinute: number;
  private readonly maxConcurrent: number;
  private readonly cache: VerifyCache;
  private readonly failures = new VerifyCache({ maxEntries: MAX_FAILURES });
  private readonly inflight = new Map<string, Promise<unknown>>();
  /** Start times (epoch ms) of the fetches of the last minute, oldest first. */
  private readonly started: number[] = [];
  private running = 0;

  constructor(o: OnlineCollateralOptions) {
    this.fetchFn = o.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.clock = o.clock ?? systemClock;
    this.intelBase = trimSlash(o.intelBaseUrl ?? INTEL_PCS_URL);
    this.rootCrlUrl = o.intelRootCaCrlUrl ?? INTEL_ROOT_CA_CRL_URL;
    this.amdBase = trimSlash(o.amdBaseUrl ?? AMD_KDS_URL);
    this.amdCrl = o.amdCrl ?? true;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.staleRetryMs = o.staleRetryMs ?? 60_000;
    this.failureRetryMs = o.failureRetryMs ?? 60_000;
    this.maxFetchesPerMinute = o.maxFetchesPerMinute ?? 120;
    this.maxConcurrent = o.maxConcurrentFetches ?? 16;
    this.cache = new VerifyCache({ maxEntries: o.maxCacheEntries ?? 512, maxBytes: o.maxCacheBytes ?? 32 * 1024 * 1024 });
  }

  async intel(req: IntelCollateralRequest): Promise<IntelCollateral> {
    const pcs = `${this.intelBase}/${req.tee}/certification/v4`;
    const [tcbInfo, qeIdentity, pck, rootCaCrl] = await Promise.all([
      this.signed(`${pcs}/tcb?fmspc=${encodeURIComponent(req.fmspc.toLowerCase())}`, 'tcbInfo', PCS_HEADERS.tcbInfoIssuerChain),
      this.signed(`${pcs}/qe/identity`, 'enclaveIdentity', PCS_HEADERS.qeIdentityIssuerChain),
      // PCK CRLs live under the SGX path for TDX too.
      this.crl(`${this.intelBase}/sgx/certification/v4/pckcrl?ca=${req.ca}&encoding=der`, PCS_HEADERS.pckCrlIssuerChain),
      this.crl(this.rootCrlUrl, undefined),
    ]);
    return { tcbInfo, qeIdentity, pckCrl: pck.der, pckCrlIssuerChain: pck.issuerChain!, rootCaCrl: rootCaCrl.der };
  }

  async amd(req: AmdCollateralRequest): Promise<AmdCollateral | undefined> {
    // VLEKs are issued to cloud providers and not served publicly: they come with the evidence.
    if (req.keyType !== 'vcek') return undefined;
    const chip = fromHex(req.chipId);
    if (chip.length !== 64 || isAllZero(chip)) return undefined;
    const turinLike = isAllZero(chip.subarray(8));
    const products: AmdProduct[] = req.product ? [req.product] : turinLike ? ['Turin'] : ['Milan', 'Genoa'];
    let lastError: unknown;
    for (const product of products) {
      try {
        const vek = await this.vcek(product, chip, req.reportedTcb);
        const [chain, crl] = await Promise.all([
          this.cached(`${this.amdBase}/vcek/v1/${product}/cert_chain`, async (url) => {
            const { body } = await this.get(url);
            const value = pemCertificates(fromUtf8(body));
            return { value, expiresAt: undefined, bytes: sizeOf(value) };
          }),
          this.amdCrl ? this.crl(`${this.amdBase}/vcek/v1/${product}/crl`, undefined) : Promise.resolve(undefined),
        ]);
        const out: AmdCollateral = { vek, chain };
        if (crl) out.crl = crl.der;
        return out;
      } catch (err) {
        lastError = err;
        // With the product unknown, a 4xx for one product means "try the next".
        const status = err instanceof ConfideError ? err.details?.['status'] : undefined;
        if (req.product || typeof status !== 'number' || status < 400 || status >= 500) throw err;
      }
    }
    throw lastError;
  }

  private vcek(product: AmdProduct, chip: Uint8Array, reportedTcb: string): Promise<Uint8Array> {
    const spl = decodeTcbHex(reportedTcb, product);
    // Turin's KDS takes the 8-byte hardware ID and an FMC SPL (AMD KDS interface spec).
    const hwid = toHex(product === 'Turin' ? chip.subarray(0, 8) : chip);
    const query =
      (spl.fmc !== undefined ? `fmcSPL=${spl.fmc}&` : '') + `blSPL=${spl.bootloader}&teeSPL=${spl.tee}&snpSPL=${spl.snp}&ucodeSPL=${spl.microcode}`;
    return this.cached(`${this.amdBase}/vcek/v1/${product}/${hwid}?${query}`, async (url) => {
      const { body } = await this.get(url);
      const der = body[0] === 0x30 ? body : pemCertificates(fromUtf8(body))[0]!;
      return { value: der, expiresAt: undefined, bytes: der.length };
    });
  }

  private signed(url: string, kind: PcsDocument, headers: readonly string[]): Promise<SignedJson> {
    return this.cached(url, async (u) => {
      const res = await this.get(u);
      const chain = headerOf(res.headers, headers, u);
      const doc = parsePcsSignedResponse(kind, fromUtf8(res.body), chain);
      return { value: doc, expiresAt: this.expiry(signedJsonInfo(doc.body).nextUpdate), bytes: sizeOf(doc) };
    });
  }

  private crl(url: string, headers: readonly string[] | undefined): Promise<{ der: Uint8Array; issuerChain?: string }> {
    return this.cached(url, async (u) => {
      const res = await this.get(u);
      const issuerChain = headers ? decodePemChain(headerOf(res.headers, headers, u)) : undefined;
      const der = crlToDer(res.body, `CRL from ${safeUrl(u)}`);
      let nextUpdate: Date | undefined;
      try {
        nextUpdate = new X509Crl(der as Uint8Array<ArrayBuffer>).nextUpdate;
      } catch (cause) {
        throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `the CRL from ${safeUrl(u)} cannot be parsed`, { cause });
      }
      const value = issuerChain === undefined ? { der } : { der, issuerChain };
      return { value, expiresAt: this.expiry(nextUpdate), bytes: sizeOf(value) };
    });
  }

  private expiry(nextUpdate: Date | undefined): number {
    const now = this.clock.now().getTime();
    const next = nextUpdate?.getTime();
    return next !== undefined && next > now ? next : now + this.staleRetryMs;
  }

  /**
   * The cached value for `key` while fresh; the remembered error while a failure is recent;
   * otherwise one shared fetch for all concurrent callers.
   */
  private cached<T>(key: string, load: (key: string) => Promise<Entry<T>>): Promise<T> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get<Entry<T>>('doc', key);
    if (hit && (hit.expiresAt === undefined || now < hit.expiresAt)) return Promise.resolve(hit.value);
    const failed = this.failures.get<Failure>('failure', key);
    if (failed && now < failed.retryAt) return Promise.reject(failed.error);
    const pending = this.inflight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const p = load(key)
      .then(
        (entry) => {
          this.failures.delete('failure', key);
          this.cache.set('doc', key, entry, entry.bytes + key.length * 2);
          return entry.value;
        },
        (error: unknown) => {
          // A refusal by the limits below is not the URL's failure: it may be asked again at once.
          if (!isLimited(error)) this.failures.set('failure', key, { error, retryAt: this.clock.now().getTime() + this.failureRetryMs }, key.length * 2 + FAILURE_BYTES);
          throw error;
        },
      )
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** Takes one fetch from the budget, or throws ERR_COLLATERAL_FETCH_FAILED (details.limited) when none is left. */
  private admit(url: string): void {
    const now = this.clock.now().getTime();
    while (this.started.length > 0 && this.started[0]! <= now - MINUTE_MS) this.started.shift();
    let why: string | undefined;
    if (this.running >= this.maxConcurrent) why = `${this.maxConcurrent} fetches are in flight already`;
    else if (this.started.length >= this.maxFetchesPerMinute) why = `${this.maxFetchesPerMinute} fetches were started in the last minute`;
    if (why !== undefined) {
      const shown = safeUrl(url);
      throw new EvidenceError('ERR_COLLATERAL_FETCH_FAILED', `GET ${shown} not sent: ${why}`, { details: { url: shown, limited: true } });
    }
    this.started.push(now);
  }

  /** GET `url` and read its body, both within the timeout, if the fetch budget allows. */
  private async get(url: string): Promise<{ headers: Headers; body: Uint8Array }> {
    this.admit(url);
    this.running += 1;
    try {
      return await this.fetchOnce(url);
    } finally {
      this.running -= 1;
    }
  }

  private async fetchOnce(url: string): Promise<{ headers: Headers; body: Uint8Array }> {
    const ctl = new AbortController();
    // A referenced timer (unlike AbortSignal.timeout) keeps the process alive while a request is pending.
    const timer = setTimeout(() => ctl.abort(new DOMException(`timed out after ${this.timeoutMs} ms`, 'TimeoutError')), this.timeoutMs);
    try {
      let res: Response;
      try {
        res = await this.fetchFn(url, { signal: ctl.signal, headers: {} });
      } catch (cause) {
        throw fetchFailed(url, ctl.signal.aborted ? `timed out after ${this.timeoutMs} ms` : 'failed (network error)', undefined, cause);
      }
      if (!res.ok) throw fetchFailed(url, `returned HTTP ${res.status}`, res.status);
      try {
        return { headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
      } catch (cause) {
        throw fetchFailed(url, ctl.signal.aborted ? `timed out after ${this.timeoutMs} ms` : 'failed while reading the body', res.status, cause);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

function isLimited(error: unknown): boolean {
  return error instanceof ConfideError && error.details?.['limited'] === true;
}

function headerOf(headers: Headers, names: readonly string[], url: string): string {
  for (const n of names) {
    const v = headers.get(n);
    if (v) return v;
  }
  throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `the response from ${safeUrl(url)} has no ${names[0]} header`, {
    details: { url: safeUrl(url) },
  });
}
