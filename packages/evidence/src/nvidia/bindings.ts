/**
 * What binds a device report to this verification: the verifier's nonce in the signed
 * GET_MEASUREMENTS request, and the FWID the device reports against the one its leaf
 * certificate was issued for.
 */
import { timingSafeEqual, toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { DerReader, TAG } from '../asn1/der.js';
import type { NvidiaCertificate } from './certificate.js';
import { NONCE_BYTES } from './layout.js';

/**
 * TCG DICE TcbInfo (2.23.133.5.4.1). The TCG's current TcbInfo holds `fwids [6] IMPLICIT
 * FWIDLIST`; NVIDIA's leaves hold the earlier DICE layout, SEQUENCE { version, SPKI, FWID }, with
 * the FWID, SEQUENCE { hashAlg OID, digest OCTET STRING }, directly in the SEQUENCE. Both are read.
 */
const OID_DICE_TCB_INFO = '2.23.133.5.4.1';
const TAG_FWIDS = 0xa6;

function mismatch(message: string, details?: Record<string, unknown>): never {
  throw new EvidenceError('ERR_EVIDENCE_BINDING_MISMATCH', message, details ? { details } : undefined);
}

/**
 * Compares the request nonce with `expectedNonce` (exactly 32 bytes) and with
 * `expectedReportData` (the leading bytes, as for other TEEs), both in constant time.
 * Throws ERR_EVIDENCE_BINDING_MISMATCH.
 */
export function checkNonce(nonce: Uint8Array, expectedNonce: Uint8Array | undefined, expectedReportData: Uint8Array | undefined): void {
  if (expectedNonce !== undefined) {
    if (expectedNonce.length !== NONCE_BYTES) mismatch(`the expected nonce is ${expectedNonce.length} bytes; an SPDM nonce is ${NONCE_BYTES}`);
    if (!timingSafeEqual(nonce, expectedNonce)) mismatch('the report answers another nonce than the expected one');
  }
  if (expectedReportData !== undefined) {
    if (expectedReportData.length === 0 || expectedReportData.length > NONCE_BYTES) {
      mismatch(`expected report data of ${expectedReportData.length} bytes cannot match a ${NONCE_BYTES}-byte SPDM nonce`);
    }
    if (!timingSafeEqual(nonce.subarray(0, expectedReportData.length), expectedReportData)) mismatch('the report nonce does not match the expected report data');
  }
}

/** The digest of an FWID (SEQUENCE { hashAlg OID, digest OCTET STRING }); undefined for another SEQUENCE. */
function fwidDigest(value: Uint8Array): string | undefined {
  const fwid = new DerReader(value, 'ERR_EVIDENCE_MALFORMED', 'DICE FWID');
  if (fwid.peekTag() !== TAG.OID) return undefined;
  fwid.next(TAG.OID);
  if (fwid.peekTag() !== TAG.OCTET_STRING) return undefined;
  return toHex(fwid.next(TAG.OCTET_STRING).value);
}

/** The FWID digests of the leaf's DICE TcbInfo extension, hex; empty when it has none. Throws ERR_EVIDENCE_MALFORMED. */
export function leafFwids(leaf: NvidiaCertificate): string[] {
  const ext = leaf.extensions.get(OID_DICE_TCB_INFO);
  if (!ext) return [];
  const info = new DerReader(ext, 'ERR_EVIDENCE_MALFORMED', 'DICE TcbInfo').enter(TAG.SEQUENCE);
  const out: string[] = [];
  const add = (digest: string | undefined) => {
    if (digest !== undefined) out.push(digest);
  };
  while (!info.done) {
    const field = info.next();
    if (field.tag === TAG.SEQUENCE) add(fwidDigest(field.value));
    if (field.tag !== TAG_FWIDS) continue;
    const list = new DerReader(field.value, 'ERR_EVIDENCE_MALFORMED', 'DICE FWID list');
    while (!list.done) add(fwidDigest(list.next(TAG.SEQUENCE).value));
  }
  return out;
}

/**
 * A report's FWID (opaque field 20) must be one the leaf certificate names: the leaf is the
 * device firmware's own key, issued for that firmware. Throws ERR_EVIDENCE_BINDING_MISMATCH.
 */
export function checkFwid(reportFwid: string | undefined, leaf: NvidiaCertificate): void {
  if (reportFwid === undefined) return;
  const named = leafFwids(leaf);
  if (!named.includes(reportFwid)) {
    mismatch(`the report's FWID is not the one the leaf certificate "${leaf.subjectCn}" was issued for`, { reportFwid, certificateFwids: named });
  }
}
