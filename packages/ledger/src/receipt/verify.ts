/**
 * Offline receipt verification by CCF's published rules (CCF doc/use_apps/verify_tx.rst,
 * python/src/ccf/receipt.py; the Azure SDK's receipt verifier): recompute the leaf and the root,
 * check the node key's signature over the root, the node id, the endorsement chain to the
 * service identity, and the application claims against the claims digest.
 */
import { timingSafeEqual, toHex } from '@confide/core';
import { claimsDigest, type ApplicationClaim } from '../claims/application-claims.js';
import { parseServiceIdentity, type CcfCertificate } from '../certificates/ccf-certificate.js';
import { verifyEcdsa } from '../certificates/ecdsa.js';
import { verifyEndorsements } from '../certificates/endorsements.js';
import type { EndorsementCache } from '../certificates/endorsement-cache.js';
import { formatTransactionId } from '../leaf/commit-evidence.js';
import { leafPreimage } from '../leaf/leaf.js';
import { sha256, webHashes, type LedgerHashes } from '../merkle/hash.js';
import { foldProof } from '../merkle/proof.js';
import { LedgerError } from '../errors.js';
import { parseReceipt } from './parse.js';

export interface VerifyReceiptOptions {
  /** The ledger's service identity certificate (PEM), or one parsed before. */
  serviceIdentity: string | CcfCertificate;
  /** Claims to check against the claims digest, besides any the document carries. */
  applicationClaims?: readonly ApplicationClaim[];
  /**
   * Node certificates found endorsed before (createEndorsementCache): a chain found there is not
   * checked again, and the node key imported then is used; a chain that verifies is added.
   */
  endorsed?: EndorsementCache | undefined;
  /**
   * SHA-256 and HMAC to recompute the leaf, the proof and the claims with (default WebCrypto, whose
   * digest is a thread-pool round trip per call, about twenty per receipt; Node callers can pass
   * node:crypto's synchronous ones). The signatures are always WebCrypto's.
   */
  hashes?: LedgerHashes | undefined;
}

/** What a verified receipt proves. */
export interface VerifiedReceipt {
  /** `view.seqno`. */
  transactionId: string;
  /** Lower-case hex of the leaf and of the signed root. */
  leaf: string;
  root: string;
  /** Lower-case hex of the node certificate's SPKI SHA-256. */
  nodeId: string;
  claimsDigest: string;
  /** True when application claims were checked against the claims digest. */
  claimsChecked: boolean;
}

function invalid(reason: string, message: string): LedgerError {
  return new LedgerError('ERR_LEDGER_RECEIPT_INVALID', message, { details: { reason } });
}

async function checkClaims(expected: Uint8Array, claims: readonly ApplicationClaim[], hashes: LedgerHashes): Promise<void> {
  if (!timingSafeEqual(await claimsDigest(claims, hashes), expected)) throw invalid('claims', 'the application claims do not hash to the receipt\'s claims digest');
}

/**
 * Verifies a receipt document (JSON text or parsed) against the service identity. Throws
 * ERR_LEDGER_RECEIPT_MALFORMED, ERR_LEDGER_RECEIPT_INVALID (details.reason: claims, node-id,
 * signature), ERR_LEDGER_ENDORSEMENT_INVALID, and ERR_INPUT_UNREADABLE for an unreadable identity.
 */
export async function verifyReceipt(input: string | unknown, options: VerifyReceiptOptions): Promise<VerifiedReceipt> {
  const identity = typeof options.serviceIdentity === 'string' ? parseServiceIdentity(options.serviceIdentity) : options.serviceIdentity;
  const r = parseReceipt(input);
  // The certificate object the cache holds carries the node key WebCrypto imported for it.
  const known = options.endorsed?.get(r.cert, r.serviceEndorsements, identity);
  const cert = known ?? r.cert;
  const cd = r.leafComponents.claimsDigest;
  const claimSets = [r.applicationClaims, options.applicationClaims].filter((c): c is ApplicationClaim[] => c !== undefined);
  const hashes = options.hashes ?? webHashes;
  for (const claims of claimSets) await checkClaims(cd, claims, hashes);
  const nodeId = await sha256(cert.spki, hashes);
  if (r.nodeId && !timingSafeEqual(nodeId, r.nodeId)) throw invalid('node-id', 'nodeId is not the SHA-256 of the node certificate\'s key');
  const leafBytes = await leafPreimage(r.leafComponents, hashes);
  const { root, preimage } = await foldProof(leafBytes, r.proof, hashes);
  // CCF signs the root as a pre-hashed SHA-256 digest; the root is SHA-256 of the last preimage,
  // so WebCrypto's ECDSA over that preimage checks the same signature, on P-384 keys as well.
  if (!(await verifyEcdsa(cert, 'SHA-256', r.signature, preimage))) throw invalid('signature', 'the node\'s signature over the root does not verify');
  if (!known) {
    await verifyEndorsements(cert, r.serviceEndorsements, identity);
    options.endorsed?.set(cert, r.serviceEndorsements, identity);
  }
  return {
    transactionId: formatTransactionId(r.transactionId),
    leaf: toHex(await sha256(leafBytes, hashes)),
    root: toHex(root),
    nodeId: toHex(nodeId),
    claimsDigest: toHex(cd),
    claimsChecked: claimSets.length > 0,
  };
}
