/**
 * TPM evidence verification: every quote's signature under the AK (all at once), the PCR values
 * against each quote's PCR digest, the quotes against each other and the expected nonce, the AK
 * certificate chain and creation certification where given, then the event log replayed against
 * the quoted PCRs. Only inauthentic evidence throws; what the PCRs and events say is claims.
 */
import { digest, timingSafeEqual, toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { TpmClaims } from '../claims.js';
import { sameBytes, tailKey } from '../memo/cache.js';
import type { VerifyCache } from '../memo/verify-cache.js';
import { syncDigestOf, type SyncDigest } from '../hash/sync-digest.js';
import type { VerifyContext, VerifyCrypto } from '../types.js';
import { cachedCrypto, type CachedCrypto } from '../webcrypto/p256.js';
import type { TpmBank } from './algorithms.js';
import { verifyAkChain } from './ak-chain.js';
import { parseTpmCertificate, type TpmCertificate } from './certificate.js';
import type { TpmAkClaims, TpmEventLogClaims, TpmQuoteClaims } from './claims.js';
import { decodeWith, type EventDataHashing } from './event-log/claims.js';
import { replayBank } from './event-log/replay.js';
import type { TcgEventLog } from './event-log/parse.js';
import type { TpmEvidence, TpmQuote } from './evidence.js';
import { selectedPcrDigest, type TpmPcrBanks } from './pcr-values.js';
import { keyBytes, tpmObjectName, type TpmPublicKey } from './public-key.js';
import { verifyTpmSignature } from './verify-signature.js';
import { traced, type VerifyTrace } from '../trace/verify-trace.js';
import { traceAkChain, traceNonce, tracePcrDigests, traceQuotesAgree, traceReplay, traceValidity } from './trace-steps.js';

const AK_IDS_REGION = 'tpm-ak-ids';
const ROOTS_REGION = 'tpm-root';

/** `p`, marked handled: it is awaited later, in the order failures are reported. */
function started<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * Runs `work` now and returns a function that gives its outcome later: its result, or the error
 * it threw, thrown then, in the order failures are reported.
 */
function settledValue<T>(work: () => T): () => T {
  try {
    const value = work();
    return () => value;
  } catch (err) {
    return () => {
      throw err;
    };
  }
}

function mismatch(message: string, details: Record<string, unknown>): never {
  throw new EvidenceError('ERR_EVIDENCE_BINDING_MISMATCH', message, { details });
}

/** The PCR values some quote covers, by bank. */
function quotedPcrs(quotes: readonly TpmQuote[], banks: TpmPcrBanks): TpmPcrBanks {
  const out: TpmPcrBanks = new Map();
  for (const q of quotes) {
    for (const s of q.attest.pcrSelect) {
      if (!s.hash) continue;
      const bank = out.get(s.hash.bank) ?? new Map<number, Uint8Array>();
      for (const pcr of s.pcrs) {
        const value = banks.get(s.hash.bank)?.get(pcr);
        if (value) bank.set(pcr, value); // a missing value is refused by the PCR digest check
      }
      out.set(s.hash.bank, bank);
    }
  }
  return out;
}

/** All quotes come from one TPM at one request: they must agree on the nonce, firmware and signer. */
function checkQuotesAgree(quotes: readonly TpmQuote[]): void {
  const first = quotes[0]!.attest;
  quotes.slice(1).forEach((q, i) => {
    const a = q.attest;
    if (!timingSafeEqual(a.extraData, first.extraData)) mismatch(`quote ${i + 2} carries another nonce (extraData) than quote 1`, { field: 'extraData', quote: i + 2 });
    if (a.firmwareVersion !== first.firmwareVersion) mismatch(`quote ${i + 2} reports another firmware version than quote 1`, { field: 'firmwareVersion', quote: i + 2 });
    if (!timingSafeEqual(a.qualifiedSigner, first.qualifiedSigner)) mismatch(`quote ${i + 2} names another signer than quote 1`, { field: 'qualifiedSigner', quote: i + 2 });
  });
}

function checkNonce(ctx: VerifyContext, extraData: Uint8Array): void {
  const nonce = ctx.expectedNonce;
  if (nonce !== undefined && !(nonce.length === extraData.length && timingSafeEqual(nonce, extraData))) {
    mismatch('the quote\'s extraData is not the expected nonce', { field: 'nonce' });
  }
  const want = ctx.expectedReportData;
  if (want !== undefined && !(want.length <= extraData.length && timingSafeEqual(want, extraData.subarray(0, want.length)))) {
    mismatch('the quote\'s extraData does not begin with the expected report data', { field: 'reportData' });
  }
}

/** Records each signature check's own result (all of them, not only up to the first failure). */
function recordSignatures(view: TpmEvidence, results: readonly boolean[], trace: VerifyTrace): void {
  results.forEach((ok, i) => {
    const quote = i < view.quotes.length;
    const signed = quote ? view.quotes[i]!.signature : view.akCreation!.signature;
    const scheme = `${signed.scheme.toUpperCase()}, ${signed.hash.bank.toUpperCase()}`;
    const step = quote ? 'quote-signature' : 'ak-creation';
    const check = quote ? `quote ${i + 1}` : 'signature';
    if (ok) trace.record(step, check, 'passed', `the attestation key signed ${quote ? 'the quote' : 'its creation certification'} (${scheme})`);
    else trace.record(step, check, 'failed', `${quote ? 'the quote' : 'the creation certification'} signature does not verify under the attestation key (${scheme})`, 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });
}

async function checkSignatures(view: TpmEvidence, cache: VerifyCache, primitives: VerifyCrypto | undefined, trace: VerifyTrace | undefined): Promise<void> {
  const checks = view.quotes.map((q) => verifyTpmSignature(view.ak, q.signature, q.attest.raw, cache, primitives));
  if (view.akCreation) checks.push(verifyTpmSignature(view.ak, view.akCreation.signature, view.akCreation.attest.raw, cache, primitives));
  const results = await Promise.all(checks);
  if (trace) recordSignatures(view, results, trace);
  results.forEach((ok, i) => {
    if (ok) return;
    if (i < view.quotes.length) throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `quote ${i + 1}: the signature does not verify under the attestation key`, { details: { quote: i + 1 } });
    throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', 'the AK creation certification does not verify under the attestation key');
  });
}

function checkPcrDigests(view: TpmEvidence, digest: SyncDigest): void {
  for (const [i, q] of view.quotes.entries()) {
    const computed = selectedPcrDigest(q.attest.pcrSelect, view.pcrs, q.signature.hash, digest);
    if (computed.length !== q.attest.pcrDigest.length || !timingSafeEqual(computed, q.attest.pcrDigest)) {
      mismatch(`quote ${i + 1}: the PCR values given do not hash to the quote's PCR digest`, { field: 'pcrDigest', quote: i + 1 });
    }
  }
}

/** The AK's own TPM2_CertifyCreation: signed by the AK (checked with the quotes), naming the AK, over the creation data. */
async function checkCreation(view: TpmEvidence): Promise<void> {
  const creation = view.akCreation!;
  const object = view.ak.object;
  if (!object) mismatch('an AK creation certification needs the AK as TPMT_PUBLIC or TPM2B_PUBLIC (its name is the hash of it)', { field: 'akCreation' });
  if (!timingSafeEqual(creation.attest.objectName, await tpmObjectName(object))) mismatch('the AK creation certification names another key', { field: 'akCreation.objectName' });
  if (creation.data) {
    const h = await digest(object.nameAlg.webcrypto, creation.data);
    if (!timingSafeEqual(h, creation.attest.creationHash)) mismatch('the AK creation data does not hash to the certified creation hash', { field: 'akCreation.creationHash' });
  }
}

/** A configured root, parsed once per exact bytes (the same roots come with every verification). */
function parsedRoot(der: Uint8Array, cache: VerifyCache): TpmCertificate {
  const key = tailKey(der);
  const hit = cache.get<TpmCertificate>(ROOTS_REGION, key);
  if (hit !== undefined && sameBytes(hit.raw, der)) return hit;
  const cert = parseTpmCertificate(der.slice(), 'ERR_CONFIG_INVALID');
  cache.set(ROOTS_REGION, key, cert, der.length * 2);
  return cert;
}

async function checkChain(view: TpmEvidence, ctx: VerifyContext, cc: CachedCrypto): Promise<{ chain: TpmCertificate[]; expired: string[] } | undefined> {
  if (view.akCertificates.length === 0) return undefined;
  const roots = (ctx.trustAnchors?.tpmRoots ?? []).map((der) => parsedRoot(der, cc.cache));
  const { path } = await verifyAkChain(view.ak, view.akCertificates, roots, cc);
  const now = ctx.clock.now();
  const expired = path.filter((c) => now < c.notBefore || now > c.notAfter).map((c) => `cert:${c.subjectCn}`);
  return { chain: path, expired };
}

/**
 * Replays the log in every bank it shares with the quotes. Throws ERR_EVIDENCE_BINDING_MISMATCH
 * naming the first PCR whose replay differs from its quoted value.
 */
function replayLog(log: TcgEventLog, quoted: TpmPcrBanks, hashing: EventDataHashing): TpmEventLogClaims {
  const replayed: Partial<Record<TpmBank, number[]>> = {};
  const verified = new Map<number, Set<TpmBank>>();
  const extended = new Set<number>();
  for (const bank of log.banks) {
    const values = replayBank(log, bank, hashing.digest);
    for (const pcr of values.keys()) extended.add(pcr);
    const quotedBank = quoted.get(bank);
    if (!quotedBank) continue;
    const matched: number[] = [];
    for (const [pcr, value] of values) {
      const want = quotedBank.get(pcr);
      if (!want) continue;
      if (!timingSafeEqual(value, want)) {
        mismatch(`the event log replays ${bank} PCR ${pcr} to ${toHex(value)}, but the quote covers ${toHex(want)}`, { field: 'eventLog', pcr, bank });
      }
      matched.push(pcr);
      verified.set(pcr, (verified.get(pcr) ?? new Set<TpmBank>()).add(bank));
    }
    replayed[bank] = matched;
  }
  const decoded = decodeWith(log, verified, hashing);
  return {
    format: log.format,
    banks: log.banks,
    eventCount: log.events.length,
    replayed,
    unverifiedPcrs: [...extended].filter((p) => !verified.has(p)).sort((a, b) => a - b),
    ...decoded,
  };
}

/** The AK's key id and name, lower-case hex. */
interface AkIds {
  keyId: string;
  name: string | undefined;
}

/**
 * The AK's key id (SHA-256 of its key bytes) and name: pure functions of the key, so remembered
 * in the verification cache by the exact bytes they are computed from (the TPMT_PUBLIC, which
 * holds the key and the name algorithm, or the key bytes of an SPKI).
 */
function akIdentity(ak: TpmPublicKey, cache: VerifyCache): Promise<AkIds> {
  const object = ak.object;
  const source = object ? object.tpmtPublic : keyBytes(ak);
  const id = `${object ? 't' : 'k'}${tailKey(source)}`;
  const hit = cache.get<{ source: Uint8Array; ids: Promise<AkIds> }>(AK_IDS_REGION, id);
  if (hit !== undefined && sameBytes(hit.source, source)) return hit.ids;
  const ids = Promise.all([digest('SHA-256', keyBytes(ak)), object ? tpmObjectName(object) : undefined]).then(([k, n]) => ({ keyId: toHex(k), name: n ? toHex(n) : undefined }));
  const entry = { source: source.slice(), ids };
  cache.set(AK_IDS_REGION, id, entry, id.length + source.length + 128);
  ids.catch(() => cache.delete(AK_IDS_REGION, id, entry));
  return ids;
}

function akClaims(ak: TpmPublicKey, keyId: string, name: string | undefined, chain: TpmCertificate[] | undefined, creationVerified: boolean | undefined): TpmAkClaims {
  const o = ak.object;
  return {
    type: ak.kind === 'rsa' ? `rsa-${ak.bits}` : `ecc-${ak.curve.toLowerCase().replace('-', '')}`,
    format: ak.format,
    keyId,
    ...(o ? { restricted: o.restricted, fixedTpm: o.fixedTpm, sign: o.sign } : {}),
    ...(name !== undefined ? { name } : {}),
    certified: chain !== undefined,
    ...(chain ? { chain: chain.map((c) => c.subjectCn) } : {}),
    ...(creationVerified !== undefined ? { creationVerified } : {}),
  };
}

function hexBanks(banks: TpmPcrBanks): Partial<Record<TpmBank, Record<string, string>>> {
  const out: Partial<Record<TpmBank, Record<string, string>>> = {};
  for (const [bank, values] of banks) {
    // PCR indexes are integer keys, which an object lists in ascending order whatever the order of insertion.
    const hex: Record<string, string> = {};
    for (const [pcr, v] of values) hex[pcr] = toHex(v);
    out[bank] = hex;
  }
  return out;
}

function quoteClaims(q: TpmQuote): TpmQuoteClaims {
  const a = q.attest;
  const selection: Partial<Record<TpmBank, number[]>> = {};
  for (const s of a.pcrSelect) if (s.hash) selection[s.hash.bank] = s.pcrs;
  return {
    signature: `${q.signature.scheme}-${q.signature.hash.bank}`,
    selection,
    pcrDigest: toHex(a.pcrDigest),
    clock: a.clockInfo.clock.toString(),
    resetCount: a.clockInfo.resetCount,
    restartCount: a.clockInfo.restartCount,
    safe: a.clockInfo.safe,
  };
}

/**
 * Verifies parsed TPM evidence and returns its claims. Throws ERR_EVIDENCE_SIGNATURE_INVALID (a
 * quote, the AK creation or a certificate does not verify), ERR_EVIDENCE_BINDING_MISMATCH (PCR
 * digest, nonce, quotes that disagree, AK certificate or creation of another key, an event log
 * whose replay differs from a quoted PCR: details name the PCR and bank), ERR_EVIDENCE_MALFORMED
 * (a selected PCR without a value), ERR_EVIDENCE_UNSUPPORTED, ERR_EVIDENCE_UNTRUSTED_ROOT and
 * ERR_EVIDENCE_CHAIN_INVALID (AK chain), ERR_CONFIG_INVALID (a configured TPM root that does not parse).
 */
export function verifyTpmEvidence(view: TpmEvidence, ctx: VerifyContext): Promise<TpmClaims> {
  // Without a trace no closure is made: the server's path stays as it was.
  return ctx.trace ? traced(ctx.trace, () => verifySteps(view, ctx)) : verifySteps(view, ctx);
}

async function verifySteps(view: TpmEvidence, ctx: VerifyContext): Promise<TpmClaims> {
  const trace = ctx.trace;
  const cc = cachedCrypto(ctx);
  const cache = cc.cache;
  const digest = syncDigestOf(ctx.crypto);
  // The signature checks start first (WebCrypto works on a thread pool), the hashing runs
  // meanwhile; failures are reported in a fixed order, so a forged quote is a bad signature
  // whatever else is also wrong.
  const quoted = quotedPcrs(view.quotes, view.pcrs);
  const signatures = started(checkSignatures(view, cache, ctx.crypto, trace));
  const chain = started(checkChain(view, ctx, cc));
  const ids = started(akIdentity(view.ak, cache));
  const digests = settledValue(() => checkPcrDigests(view, digest));
  const eventLog = view.eventLog;
  const replay = eventLog ? settledValue(() => replayLog(eventLog, quoted, { digest, cache, scope: cc.scope })) : undefined;
  trace?.begin('quote-signature');
  await signatures;
  trace?.begin('quotes-agree');
  checkQuotesAgree(view.quotes);
  if (trace) traceQuotesAgree(view, trace);
  trace?.begin('pcr-digest');
  if (trace) tracePcrDigests(view, digests, trace);
  else digests();
  const first = view.quotes[0]!.attest;
  trace?.begin('nonce');
  checkNonce(ctx, first.extraData);
  if (trace) traceNonce(ctx, first.extraData, trace);
  if (view.akCreation) {
    trace?.begin('ak-creation');
    await checkCreation(view);
    trace?.record('ak-creation', 'objectName', 'passed', `the creation certification names the attestation key${view.akCreation.data ? ' and its creation data hashes to the certified hash' : ''}`);
  }
  trace?.begin('ak-chain');
  const chainResult = await chain;
  if (trace) traceAkChain(chainResult?.chain, trace);
  trace?.begin('event-log');
  const eventLogClaims = replay && eventLog ? (trace ? traceReplay(eventLog, quoted, replay, trace) : replay()) : undefined;
  if (trace && !eventLog) trace.record('event-log', 'eventLog', 'noted', 'no event log given: the PCR values are claims as quoted, without the events behind them');
  const { keyId, name } = await ids;
  const expired = chainResult?.expired ?? [];
  if (trace) traceValidity(expired, ctx.clock.now(), chainResult !== undefined, trace);
  return {
    tee: 'tpm',
    debug: false,
    measurement: toHex(first.pcrDigest),
    reportData: toHex(first.extraData),
    tcbStatus: 'NotSupported',
    advisoryIds: [],
    collateralExpired: expired.length > 0,
    expiredCollateral: expired,
    verifiedAt: ctx.clock.now().toISOString(),
    tpm: {
      nonce: toHex(first.extraData),
      firmwareVersion: first.firmwareVersion.toString(16).padStart(16, '0'),
      qualifiedSigner: toHex(first.qualifiedSigner),
      quotes: view.quotes.map(quoteClaims),
      pcrs: hexBanks(quoted),
      ak: akClaims(view.ak, keyId, name, chainResult?.chain, view.akCreation ? true : undefined),
      ...(eventLogClaims ? { eventLog: eventLogClaims } : {}),
    },
  };
}
