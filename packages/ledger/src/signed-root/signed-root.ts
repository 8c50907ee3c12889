/**
 * A signed root: the root of the first `treeSize` leaves, signed by a node key endorsed by the
 * service identity, as a signature transaction records it. CCF signs the root as a pre-hashed
 * digest and WebCrypto cannot verify a bare digest, so a signed root carries the root's preimage
 * (its two children, left ‖ right, or for a one-leaf tree the leaf's preimage) and the root is
 * its SHA-256.
 */
import { fromBase64, fromHex, toBase64, toHex } from '@confide/core';
import { parseCcfCertificate, parseServiceIdentity, type CcfCertificate } from '../certificates/ccf-certificate.js';
import { verifyEcdsa } from '../certificates/ecdsa.js';
import { verifyEndorsements } from '../certificates/endorsements.js';
import { LedgerError } from '../errors.js';
import { sha256 } from '../merkle/hash.js';
import { verifyConsistency } from '../merkle/consistency.js';
import { malformed } from '../json/strict.js';

export interface SignedRoot {
  /**
   * Leaves the root covers. Not under the signature (CCF binds it through the signature
   * transaction's seqno in the ledger): a consistency check trusts it as stated.
   */
  treeSize: number;
  /** Lower-case hex of the bytes whose SHA-256 is the root. */
  rootPreimage: string;
  /** Standard base64 of the DER ECDSA signature by the node key. */
  signature: string;
  /** The node certificate (PEM). */
  cert: string;
  serviceEndorsements?: string[];
}

/** The root a signed root names, once its signature and endorsements are checked; lower-case hex. Throws ERR_LEDGER_RECEIPT_MALFORMED, ERR_LEDGER_RECEIPT_INVALID, ERR_LEDGER_ENDORSEMENT_INVALID. */
export async function verifySignedRoot(signed: SignedRoot, serviceIdentity: string | CcfCertificate): Promise<Uint8Array> {
  const identity = typeof serviceIdentity === 'string' ? parseServiceIdentity(serviceIdentity) : serviceIdentity;
  if (!Number.isSafeInteger(signed.treeSize) || signed.treeSize < 1) throw malformed('treeSize', 'not a positive integer');
  if (!/^(?:[0-9a-f]{2})+$/.test(signed.rootPreimage)) throw malformed('rootPreimage', 'not lower-case hex');
  const preimage = fromHex(signed.rootPreimage);
  const signature = fromBase64(signed.signature);
  if (toBase64(signature) !== signed.signature) throw malformed('signature', 'not canonical standard base64');
  const cert = parseCcfCertificate(signed.cert, 'cert');
  const endorsements = (signed.serviceEndorsements ?? []).map((e, i) => parseCcfCertificate(e, `serviceEndorsements[${i}]`));
  await verifyEndorsements(cert, endorsements, identity);
  if (!(await verifyEcdsa(cert, 'SHA-256', signature, preimage))) throw new LedgerError('ERR_LEDGER_RECEIPT_INVALID', 'the node\'s signature over the root does not verify', { details: { reason: 'signature' } });
  return sha256(preimage);
}

/**
 * Checks that `later` extends `earlier`: both signed roots verify under the service identity and
 * `proof` (lower-case hex node hashes, as MerkleTree.consistencyProof gives them) leads from one
 * to the other. Throws ERR_LEDGER_INCONSISTENT and what verifySignedRoot throws.
 */
export async function verifySignedRootsConsistent(earlier: SignedRoot, later: SignedRoot, proof: readonly string[], serviceIdentity: string | CcfCertificate): Promise<{ earlierRoot: string; laterRoot: string }> {
  const identity = typeof serviceIdentity === 'string' ? parseServiceIdentity(serviceIdentity) : serviceIdentity;
  const [a, b] = await Promise.all([verifySignedRoot(earlier, identity), verifySignedRoot(later, identity)]);
  const nodes = proof.map((h, i) => {
    if (!/^[0-9a-f]{64}$/.test(h)) throw malformed(`proof[${i}]`, 'not 64 lower-case hex digits');
    return fromHex(h);
  });
  await verifyConsistency({ size: earlier.treeSize, root: a }, { size: later.treeSize, root: b }, nodes);
  return { earlierRoot: toHex(a), laterRoot: toHex(b) };
}
