/**
 * NVIDIA GPU / NVSwitch verification: the device chain to the pinned NVIDIA Device Identity
 * CA and the report signature under the leaf (concurrently), then the nonce and FWID bindings.
 * Expired certificates are claims; everything else that fails throws.
 */
import { EvidenceError } from '../errors.js';
import type { NvidiaClaims } from '../claims.js';
import { defaultVerifyCache } from '../memo/verify-cache.js';
import type { VerifyContext } from '../types.js';
import { verifyP384 } from '../webcrypto/p384.js';
import { checkFwid, checkNonce } from './bindings.js';
import { parseNvidiaCertificate } from './certificate.js';
import { verifyNvidiaChain } from './chain.js';
import { nvidiaClaims } from './claims.js';
import type { NvidiaEvidence } from './evidence.js';
import { traced } from '../trace/verify-trace.js';
import { traceBindings } from './trace-steps.js';

/** `p`, marked handled: it is awaited after the chain, whose failures are reported first. */
function started<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * Verifies parsed NVIDIA evidence and returns its claims. The chain is the evidence's own, else
 * `ctx.deviceCertificates`. Throws ERR_COLLATERAL_MISSING (no chain), ERR_EVIDENCE_MALFORMED,
 * ERR_EVIDENCE_UNSUPPORTED, ERR_EVIDENCE_UNTRUSTED_ROOT, ERR_EVIDENCE_CHAIN_INVALID,
 * ERR_EVIDENCE_SIGNATURE_INVALID (chain or report), ERR_EVIDENCE_BINDING_MISMATCH (nonce, FWID).
 */
export function verifyNvidiaEvidence(evidence: NvidiaEvidence, ctx: VerifyContext): Promise<NvidiaClaims> {
  return ctx.trace ? traced(ctx.trace, () => verifySteps(evidence, ctx)) : verifySteps(evidence, ctx);
}

async function verifySteps(evidence: NvidiaEvidence, ctx: VerifyContext): Promise<NvidiaClaims> {
  const trace = ctx.trace;
  trace?.begin('collateral');
  const ders = evidence.certificates ?? ctx.deviceCertificates;
  if (!ders || ders.length === 0) {
    throw new EvidenceError('ERR_COLLATERAL_MISSING', 'no device certificate chain for this NVIDIA report: give it with the evidence (JSON entry) or as deviceCertificates');
  }
  const { report } = evidence;
  const cache = ctx.cache ?? defaultVerifyCache;
  const now = ctx.clock.now();
  // The leaf is parsed here too so the report signature runs beside the chain's checks.
  const leaf = parseNvidiaCertificate(ders[0]!);
  const reportSignature = started(verifyP384(leaf.spki, report.signature, report.signed, cache));
  trace?.record('collateral', 'deviceCertificates', 'passed', `a chain of ${ders.length} certificates, ${evidence.certificates ? 'with the evidence' : 'given as deviceCertificates'}`);
  trace?.begin('device-chain');
  const chain = await verifyNvidiaChain(ders, now, ctx.trustAnchors, cache, trace);
  trace?.begin('report-signature');
  if (!(await reportSignature)) throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `the NVIDIA report signature does not verify under the leaf certificate "${leaf.subjectCn}"`);
  trace?.record('report-signature', 'signature', 'passed', `the leaf "${leaf.subjectCn}" signed the SPDM measurements (ECDSA P-384, SHA-384)`);
  trace?.begin('nonce');
  checkNonce(report.requestNonce, ctx.expectedNonce, ctx.expectedReportData);
  trace?.begin('fwid-binding');
  checkFwid(report.opaqueDecoded.fwid, chain.leaf);
  if (trace) traceBindings(report, chain, ctx, now, trace);
  return nvidiaClaims(report, chain, now);
}
