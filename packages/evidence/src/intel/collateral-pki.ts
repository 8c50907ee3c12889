/**
 * The PKI side of Intel collateral: the TCB Info / QE Identity issuer chains to the pinned
 * root, and the PCK and Root CA CRLs. The signed JSON documents themselves are judged by the
 * TCB evaluation, with the signing key established here.
 */
import { timingSafeEqual } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { IntelCollateral } from '../collateral/types.js';
import type { CachedCrypto } from '../webcrypto/p256.js';
import type { ParsedCertificate } from './certificate.js';
import type { PendingCheck } from './checks.js';
import { certificateValidity, chainChecks, crlChecks, crlValidity, parseCollateralCrl, parsePemChain, type CrlUse } from './pki.js';
import type { PckChain } from './quote-signatures.js';

export interface CollateralPki {
  checks: PendingCheck[];
  /** The TCB Info (and QE Identity) signing certificate. */
  tcbSigner: ParsedCertificate;
  /** Every collateral signing certificate (TCB Info, QE Identity), for the Root CA CRL. */
  signers: ParsedCertificate[];
  pckCrl: CrlUse;
  rootCrl: CrlUse;
  /** Collateral items outside their validity: CRL names and `cert:<CN>`. */
  expired: string[];
}

function issuerChain(pem: string, what: string, cc: CachedCrypto): readonly ParsedCertificate[] {
  return parsePemChain(pem, 'ERR_COLLATERAL_MALFORMED', what, cc.cache);
}

/**
 * Parses the collateral's certificates and CRLs and returns their signature checks; the PCK
 * CRL is checked against the PCK CA of the quote's own chain, the Root CA CRL against its root.
 * Throws ERR_COLLATERAL_MALFORMED, ERR_EVIDENCE_CHAIN_INVALID, ERR_EVIDENCE_UNTRUSTED_ROOT.
 */
export function collateralChecks(col: IntelCollateral, pck: PckChain, roots: Uint8Array[], at: Date, cc: CachedCrypto): CollateralPki {
  const tcbChain = issuerChain(col.tcbInfo.issuerChain, 'TCB Info issuer chain', cc);
  const sameRoot = (chain: readonly ParsedCertificate[]) => timingSafeEqual(chain[chain.length - 1]!.raw, pck.root.raw);
  const checks = chainChecks(tcbChain, roots, 'TCB Info issuer chain', sameRoot(tcbChain), cc, col.tcbInfo.issuerChain);
  const tcbSigner = tcbChain[0]!;
  const certs = [...tcbChain];
  const signers = [tcbSigner];
  if (col.qeIdentity.issuerChain !== col.tcbInfo.issuerChain) {
    const qeChain = issuerChain(col.qeIdentity.issuerChain, 'QE Identity issuer chain', cc);
    if (!timingSafeEqual(qeChain[0]!.publicKey, tcbSigner.publicKey)) {
      throw new EvidenceError('ERR_COLLATERAL_MALFORMED', 'TCB Info and QE Identity are signed by different keys');
    }
    checks.push(...chainChecks(qeChain, roots, 'QE Identity issuer chain', sameRoot(qeChain), cc, col.qeIdentity.issuerChain));
    certs.push(...qeChain);
    signers.push(qeChain[0]!);
  }
  const pckCrl: CrlUse = { crl: parseCollateralCrl(col.pckCrl, 'pckCrl', cc.cache), name: 'pckCrl', issuer: pck.ca };
  const rootCrl: CrlUse = { crl: parseCollateralCrl(col.rootCaCrl, 'rootCaCrl', cc.cache), name: 'rootCaCrl', issuer: pck.root };
  checks.push(...crlChecks(pckCrl, cc), ...crlChecks(rootCrl, cc));
  const expired = [...certificateValidity(certs, at), ...crlValidity(pckCrl, at), ...crlValidity(rootCrl, at)];
  return { checks, tcbSigner, signers, pckCrl, rootCrl, expired };
}
