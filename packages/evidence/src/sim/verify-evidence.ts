/**
 * Verifies simulated evidence against the simulation keys the caller trusts. The key ID in the
 * evidence picks the key: evidence from a key the caller does not trust is "untrusted root",
 * evidence whose bytes do not match the trusted key's signature is "signature invalid".
 */
import { timingSafeEqual, toArrayBuffer, toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { SimClaims } from '../claims.js';
import type { VerifyContext } from '../types.js';
import type { SimEvidence } from './parse.js';
import { trustedSimKey } from './keys.js';

function checkReportData(expected: Uint8Array | undefined, reportData: Uint8Array): void {
  if (expected === undefined) return;
  if (expected.length === 0 || expected.length > reportData.length) {
    throw new EvidenceError('ERR_USAGE', `expected report data must be 1..${reportData.length} bytes, got ${expected.length}`);
  }
  if (!timingSafeEqual(reportData.subarray(0, expected.length), expected)) {
    throw new EvidenceError('ERR_EVIDENCE_BINDING_MISMATCH', 'the simulated evidence report data does not match the expected value');
  }
}

/**
 * Checks the signature with the trusted simulation key named by the evidence's key ID, then
 * the report data binding, and returns claims (tee 'sim', tcbStatus 'UpToDate').
 * Throws ERR_EVIDENCE_UNTRUSTED_ROOT (no simulation key given, or the evidence names a key that
 * is not given), ERR_EVIDENCE_SIGNATURE_INVALID, ERR_EVIDENCE_BINDING_MISMATCH, ERR_USAGE
 * (a given key is not ECDSA P-256, expected report data not 1..64 bytes).
 */
export async function verifySimEvidence(view: SimEvidence, ctx: VerifyContext): Promise<SimClaims> {
  const given = ctx.simulationKeys ?? [];
  if (given.length === 0) {
    throw new EvidenceError(
      'ERR_EVIDENCE_UNTRUSTED_ROOT',
      'simulated evidence needs the simulation public key of the instance that made it; none was given (simulated evidence is for development only)',
    );
  }
  const trusted = await Promise.all(given.map((k) => trustedSimKey(k, ctx.cache)));
  const key = trusted.find((k) => timingSafeEqual(k.id, view.keyId));
  if (!key) {
    throw new EvidenceError('ERR_EVIDENCE_UNTRUSTED_ROOT', `the simulated evidence is signed by simulation key ${toHex(view.keyId)}, which is not trusted`, {
      details: { keyId: toHex(view.keyId), trusted: trusted.map((k) => toHex(k.id)) },
    });
  }
  const ok = await crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key.key,
    toArrayBuffer(view.signature),
    toArrayBuffer(view.signed),
  );
  if (!ok) throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `the simulated evidence signature does not verify with simulation key ${toHex(view.keyId)}`);
  checkReportData(ctx.expectedReportData, view.reportData);
  return {
    tee: 'sim',
    debug: view.debug,
    measurement: toHex(view.measurement),
    signer: toHex(view.signer),
    productId: view.productId,
    svn: view.svn,
    reportData: toHex(view.reportData),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
    collateralExpired: false,
    expiredCollateral: [],
    verifiedAt: ctx.clock.now().toISOString(),
    sim: { issuedAt: new Date(view.issuedAtMs).toISOString(), keyId: toHex(view.keyId) },
  };
}
