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

/**
 * Verifies parsed NVIDIA evidence and returns its claims. The chain is the evidence's own, else
 * `ctx.deviceCertificates`. Throws ERR_COLLATERAL_MISSING (no chain), ERR_EVIDENCE_MALFORMED,
 * ERR_EVIDENCE_UNSUPPORTED, ERR_EVIDENCE_UNTRUSTED_ROOT, ERR_EVIDENCE_CHAIN_INVALID,
 * ERR_EVIDENCE_SIGNATURE_INVALID (chain or report), ERR_EVIDENCE_BINDING_MISMATCH (nonce, FWID).
 */
export async function verifyNvidiaEvidence(evidence: NvidiaEvidence, ctx: VerifyContext): Promise<NvidiaClaims> {
  const ders = evidence.certificates ?? ctx.deviceCertificates;
  if (!ders || ders.length === 0) {
    throw new EvidenceError('ERR_COLLATERAL_MISSING', 'no device certificate chain for this NVIDIA report: give it with the evidence (JSON entry) or as deviceCertificates');
  }
  const { report } = evidence;
  const cache = ctx.cache ?? defaultVerifyCache;
  const now = ctx.clock.now();
  // The leaf is parsed here too so the report signature runs beside the chain's checks.
  const leaf = parseNvidiaCertificate(ders[0]!);
  const [chain, reportOk] = await Promise.all([
    verifyNvidiaChain(ders, now, ctx.trustAnchors, cache),
    verifyP384(leaf.spki, report.signature, report.signed, cache),
  ]);
  if (!reportOk) throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `the NVIDIA report signature does not verify under the leaf certificate "${leaf.subjectCn}"`);
  checkNonce(report.requestNonce, ctx.expectedNonce, ctx.expectedReportData);
  checkFwid(report.opaqueDecoded.fwid, chain.leaf);
  return nvidiaClaims(report, chain, now);
}
