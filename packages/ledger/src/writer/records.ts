/**
 * A ledger transaction in memory and as a stored record: the body JSON each kind keeps, the write
 * set its digest is taken over, and the strict reading back (a body must be the exact bytes the
 * writer wrote, so no edit hides behind another spelling).
 */
import { fromBase64, fromHex, toBase64, toHex } from '@confide/core';
import { ledgerEntryClaimsDigest } from '../claims/application-claims.js';
import type { LeafComponents } from '../leaf/leaf.js';
import { sha256Of, type LedgerHashes } from '../merkle/hash.js';
import { all, then, type Maybe } from '../merkle/maybe.js';
import type { SignedRoot } from '../signed-root/signed-root.js';
import type { LedgerRecord } from './persistence.js';

/** An entry as written, with the per-entry secret that blinds its claims digest (base64). */
export interface EntryBody {
  collectionId: string;
  contents: string;
  secretKey: string;
}

/** A transaction: an entry, or a signature transaction carrying its signed root. */
export interface Transaction {
  seqno: number;
  components: LeafComponents;
  entry?: EntryBody;
  signed?: SignedRoot;
}

export const ZERO_DIGEST = new Uint8Array(32);
export const ZERO_DIGEST_HEX = toHex(ZERO_DIGEST);

/** A transaction with its digests as the lower-case hex that is stored and that receipts carry. */
export interface HeldTransaction {
  seqno: number;
  commitEvidence: string;
  writeSetDigest: string;
  claimsDigest: string;
  entry?: EntryBody | undefined;
  signed?: SignedRoot | undefined;
}

/** The stored form of `tx`. */
export function toRecord(tx: HeldTransaction): LedgerRecord {
  return {
    seqno: tx.seqno,
    kind: tx.entry ? 'entry' : 'signature',
    body: tx.entry ? entryBodyJson(tx.entry) : signatureBodyJson(tx.signed!),
    commitEvidence: tx.commitEvidence,
    writeSetDigest: tx.writeSetDigest,
    claimsDigest: tx.claimsDigest,
  };
}

function entryBodyJson(e: EntryBody): string {
  return JSON.stringify({ collectionId: e.collectionId, contents: e.contents, secretKey: e.secretKey });
}

function signatureBodyJson(s: SignedRoot): string {
  return JSON.stringify({ treeSize: s.treeSize, rootPreimage: s.rootPreimage, signature: s.signature, cert: s.cert, ...(s.serviceEndorsements ? { serviceEndorsements: s.serviceEndorsements } : {}) });
}

/**
 * The leaf's write-set digest and claims digest of an entry (`key`: its secret key's bytes when
 * the caller holds them). Throws ERR_LEDGER_RECEIPT_MALFORMED for a key that is not canonical base64.
 */
export function entryDigests(e: EntryBody, hashes: LedgerHashes, key: Uint8Array = keyOf(e.secretKey)): Maybe<{ writeSetDigest: Uint8Array; claimsDigest: Uint8Array }> {
  const digests = all([sha256Of(hashes, JSON.stringify([e.collectionId, e.contents])), ledgerEntryClaimsDigest(key, e.collectionId, e.contents, hashes)]);
  return then(digests, ([writeSetDigest, claimsDigest]) => ({ writeSetDigest: writeSetDigest!, claimsDigest: claimsDigest! }));
}

function keyOf(secretKey: string): Uint8Array {
  const key = fromBase64(secretKey);
  if (key.length === 0 || toBase64(key) !== secretKey) throw new Error('the secret key is not canonical base64');
  return key;
}

/** A signature transaction's write-set digest: over `treeSize:` ‖ the root's preimage ‖ the signature. */
export function signatureWriteSetDigest(s: SignedRoot, hashes: LedgerHashes): Maybe<Uint8Array> {
  return sha256Of(hashes, `${s.treeSize}:`, fromHex(s.rootPreimage), s.signature);
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** The body of `record` read back, or undefined unless it is exactly what the writer writes for its kind. */
export function parseBody(record: LedgerRecord): { entry: EntryBody } | { signed: SignedRoot } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(record.body);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (record.kind === 'entry') {
    if (!isString(o.collectionId) || !isString(o.contents) || !isString(o.secretKey)) return undefined;
    const entry = { collectionId: o.collectionId, contents: o.contents, secretKey: o.secretKey };
    return entryBodyJson(entry) === record.body ? { entry } : undefined;
  }
  if (record.kind !== 'signature') return undefined;
  const endorsements = o.serviceEndorsements;
  if (typeof o.treeSize !== 'number' || !isString(o.rootPreimage) || !isString(o.signature) || !isString(o.cert)) return undefined;
  if (endorsements !== undefined && !(Array.isArray(endorsements) && endorsements.every(isString))) return undefined;
  if (!/^(?:[0-9a-f]{2})+$/.test(o.rootPreimage)) return undefined;
  const signed: SignedRoot = { treeSize: o.treeSize, rootPreimage: o.rootPreimage, signature: o.signature, cert: o.cert, ...(endorsements ? { serviceEndorsements: endorsements as string[] } : {}) };
  return signatureBodyJson(signed) === record.body ? { signed } : undefined;
}
