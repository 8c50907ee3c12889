/**
 * A receipt document as the Confidential Ledger serves it (GET /app/transactions/{id}/receipt):
 * `{receipt: {cert, leafComponents, nodeId, proof, serviceEndorsements, signature}, state,
 * transactionId, applicationClaims?}`, or the bare `receipt` object. Read strictly: lower-case
 * hex, canonical base64 and PEM, no unknown members, so that no changed byte reads the same.
 */
import { fromBase64, fromHex, toBase64 } from '@confide/core';
import { parseApplicationClaims } from '../claims/parse.js';
import type { ApplicationClaim } from '../claims/application-claims.js';
import { parseCcfCertificate, type CcfCertificate } from '../certificates/ccf-certificate.js';
import { parseCommitEvidence, parseTransactionId, type TransactionId } from '../leaf/commit-evidence.js';
import type { LeafComponents } from '../leaf/leaf.js';
import type { ProofStep } from '../merkle/proof.js';
import { arrayAt, malformed, objectWith, parseJson, stringAt, type JsonObject } from '../json/strict.js';

/** A receipt read and decoded, every part still as it was signed. */
export interface ParsedReceipt {
  cert: CcfCertificate;
  serviceEndorsements: CcfCertificate[];
  leafComponents: LeafComponents;
  /** The transaction the commit evidence names. */
  transactionId: TransactionId;
  /** 32 bytes, when the receipt names its node. */
  nodeId?: Uint8Array;
  proof: ProofStep[];
  /** DER ECDSA-Sig-Value. */
  signature: Uint8Array;
  /** The document's claims, when it carries them. */
  applicationClaims?: ApplicationClaim[];
}

const DIGEST = /^[0-9a-f]{64}$/;

function digestAt(o: JsonObject, key: string, at: string): Uint8Array {
  const v = stringAt(o, key, at);
  if (!DIGEST.test(v)) throw malformed(`${at}.${key}`, 'not 64 lower-case hex digits');
  return fromHex(v);
}

function signatureAt(o: JsonObject, key: string, at: string): Uint8Array {
  const v = stringAt(o, key, at);
  let der: Uint8Array | undefined;
  try {
    der = fromBase64(v);
  } catch {
    der = undefined;
  }
  if (!der || der.length === 0 || toBase64(der) !== v) throw malformed(`${at}.${key}`, 'not canonical standard base64');
  return der;
}

function proofAt(o: JsonObject, at: string): ProofStep[] {
  return arrayAt(o, 'proof', at).map((item, i) => {
    const where = `${at}.proof[${i}]`;
    const step = objectWith(item, where, [], ['left', 'right']);
    const keys = Object.keys(step);
    if (keys.length !== 1) throw malformed(where, 'not exactly one of left or right');
    return keys[0] === 'left' ? { left: digestAt(step, 'left', where) } : { right: digestAt(step, 'right', where) };
  });
}

function parseReceiptObject(value: unknown, at: string): Omit<ParsedReceipt, 'applicationClaims'> {
  const r = objectWith(value, at, ['cert', 'leafComponents', 'proof', 'signature'], ['nodeId', 'serviceEndorsements']);
  const lc = objectWith(r.leafComponents, `${at}.leafComponents`, ['claimsDigest', 'commitEvidence', 'writeSetDigest']);
  const commitEvidence = stringAt(lc, 'commitEvidence', `${at}.leafComponents`);
  const endorsements = Object.hasOwn(r, 'serviceEndorsements') ? arrayAt(r, 'serviceEndorsements', at) : [];
  return {
    cert: parseCcfCertificate(stringAt(r, 'cert', at), `${at}.cert`),
    serviceEndorsements: endorsements.map((e, i) => {
      if (typeof e !== 'string') throw malformed(`${at}.serviceEndorsements[${i}]`, 'not a string');
      return parseCcfCertificate(e, `${at}.serviceEndorsements[${i}]`);
    }),
    leafComponents: {
      writeSetDigest: digestAt(lc, 'writeSetDigest', `${at}.leafComponents`),
      commitEvidence,
      claimsDigest: digestAt(lc, 'claimsDigest', `${at}.leafComponents`),
    },
    transactionId: parseCommitEvidence(commitEvidence),
    ...(Object.hasOwn(r, 'nodeId') ? { nodeId: digestAt(r, 'nodeId', at) } : {}),
    proof: proofAt(r, at),
    signature: signatureAt(r, 'signature', at),
  };
}

/**
 * Reads a receipt document (JSON text or parsed) or a bare receipt. A document must say
 * `state: "Ready"` and name the transaction its commit evidence names. Throws
 * ERR_LEDGER_RECEIPT_MALFORMED naming the field.
 */
export function parseReceipt(input: string | unknown): ParsedReceipt {
  const value = typeof input === 'string' ? parseJson(input, 'receipt document') : input;
  const isDocument = typeof value === 'object' && value !== null && Object.hasOwn(value, 'receipt');
  if (!isDocument) return parseReceiptObject(value, 'receipt');
  const doc = objectWith(value, 'document', ['receipt'], ['state', 'transactionId', 'applicationClaims']);
  const receipt = parseReceiptObject(doc.receipt, 'receipt');
  if (Object.hasOwn(doc, 'state') && doc.state !== 'Ready') throw malformed('document.state', 'not Ready');
  if (Object.hasOwn(doc, 'transactionId')) {
    const id = parseTransactionId(stringAt(doc, 'transactionId', 'document'));
    if (!id || id.view !== receipt.transactionId.view || id.seqno !== receipt.transactionId.seqno) throw malformed('document.transactionId', 'not the transaction the commit evidence names');
  }
  return Object.hasOwn(doc, 'applicationClaims') ? { ...receipt, applicationClaims: parseApplicationClaims(doc, 'document') } : receipt;
}
