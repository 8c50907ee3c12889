/** Checks the ECDSA P-256 signature Intel puts on TCB Info and QE Identity. */
import { fromHex, utf8 } from '@confide/core';
import { EvidenceError } from '../../errors.js';
import type { SignedJson } from '../../collateral/types.js';
import type { CachedCrypto } from '../../webcrypto/p256.js';
import { sameBytes } from '../../memo/cache.js';
import type { VerifyTrace } from '../../trace/verify-trace.js';

/** ECDSA P-256 r||s, 32 bytes each: the IEEE P1363 form WebCrypto verifies directly. */
const P256_SIGNATURE_BYTES = 64;

/** What a remembered verdict is charged besides its body text (two bytes a character) and key. */
const VERDICT_OVERHEAD_BYTES = 256;

/**
 * Verifies the TCB Info and QE Identity signatures at once. With a trace, each records its own
 * outcome, TCB Info first whichever finished first (the trace's order must not depend on timing),
 * and the first failure in that order is thrown.
 */
export async function verifyTcbSignatures(collateral: { tcbInfo: SignedJson; qeIdentity: SignedJson }, key: CryptoKey | Uint8Array, cc: CachedCrypto, trace: VerifyTrace | undefined): Promise<void> {
  const checks = [verifySignature(collateral.tcbInfo, key, 'tcbInfo', cc), verifySignature(collateral.qeIdentity, key, 'qeIdentity', cc)];
  if (!trace) {
    await Promise.all(checks);
    return;
  }
  const settled = await Promise.allSettled(checks);
  settled.forEach((outcome, i) => {
    const [step, name] = i === 0 ? (['tcb-info', 'tcbInfo'] as const) : (['qe-identity', 'qeIdentity'] as const);
    if (outcome.status === 'fulfilled') trace.record(step, 'signature', 'passed', `Intel's TCB signing key (certified by the collateral chain) signed ${name}`);
    else trace.record(step, 'signature', 'failed', (outcome.reason as Error).message, (outcome.reason as { code?: string }).code);
  });
  for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
}

/**
 * Verifies `doc.signature` over the UTF-8 bytes of `doc.body` exactly as served, under a
 * CryptoKey or an uncompressed P-256 point (`cc`'s primitives, default WebCrypto, verify with the
 * point; a document that verified before under the same point, by the same primitives, is not
 * checked again: the same TCB Info and QE Identity come with every quote of a platform).
 * Throws ERR_EVIDENCE_SIGNATURE_INVALID; ERR_COLLATERAL_MALFORMED when the signature is not 64 bytes of hex.
 */
async function verifySignature(doc: SignedJson, key: CryptoKey | Uint8Array, name: string, cc: CachedCrypto): Promise<void> {
  const point = key instanceof Uint8Array ? key : undefined;
  const region = cc.regions.json;
  if (point) {
    const hit = cc.cache.get<{ point: Uint8Array; body: string }>(region, doc.signature);
    if (hit && hit.body === doc.body && sameBytes(hit.point, point)) return;
  }
  let signature: Uint8Array;
  try {
    signature = fromHex(doc.signature);
  } catch (cause) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `${name} signature is not hex`, { cause, details: { item: name } });
  }
  if (signature.length !== P256_SIGNATURE_BYTES) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `${name} signature is not ${P256_SIGNATURE_BYTES} bytes`, {
      details: { item: name },
    });
  }
  if (point) {
    const entry = { point: point.slice(), body: doc.body };
    const ok = await cc.primitives.verifyP256(entry.point, signature, utf8(entry.body));
    if (ok !== true) throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `${name} signature does not verify`, { details: { item: name } });
    cc.cache.set(region, doc.signature, entry, entry.body.length * 2 + entry.point.length + VERDICT_OVERHEAD_BYTES);
    return;
  }
  let ok: boolean;
  try {
    ok = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key as CryptoKey,
      signature as Uint8Array<ArrayBuffer>,
      utf8(doc.body) as Uint8Array<ArrayBuffer>,
    );
  } catch (cause) {
    // A key of the wrong type or curve cannot have made this signature.
    throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `${name} signature cannot be checked with the TCB signing key`, {
      cause,
      details: { item: name },
    });
  }
  if (!ok) {
    throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `${name} signature does not verify`, { details: { item: name } });
  }
}
