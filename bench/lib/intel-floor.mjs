/**
 * The ten ECDSA P-256 checks one Intel DCAP verification needs, built from the quote and the
 * dcap-qvl collateral JSON: the quote by the attestation key, the QE report by the PCK key, the
 * PCK chain (leaf, PCK CA, root self-signature), the TCB signing certificate by the root (the
 * QE Identity shares its issuer chain, and the root is the same), the PCK CRL, the Root CA CRL,
 * the TCB Info and the QE Identity. The quote's layout comes from our parser (parsing checks
 * nothing); everything else is read here.
 */
import { Buffer } from 'node:buffer';
import { ecdsaDerToRaw, pemCertificates, signedObject } from './der.mjs';
import { ecdsaCheck, p256Key } from './floor.mjs';

const P256_SCALAR = 32;
const HASH = 'SHA-256';

/** The checks for `quote` (a parsed IntelQuote) with `collateral` (dcap-qvl JSON, parsed). */
export function intelChecks(quote, collateral) {
  const [leaf, ca, root] = pemCertificates(Buffer.from(quote.qe.pckChainPem).toString('utf8')).map((der) => signedObject(der));
  if (!root) throw new Error('the quote does not carry a three-certificate PCK chain');
  const [tcbSignerDer] = pemCertificates(collateral.tcb_info_issuer_chain);
  const tcbSigner = signedObject(tcbSignerDer);
  const crl = (hex) => signedObject(new Uint8Array(Buffer.from(hex, 'hex')), 'crl');
  const pckCrl = crl(collateral.pck_crl);
  const rootCrl = crl(collateral.root_ca_crl);

  // Each key imported once, whatever the number of checks that use it.
  const attestationKey = p256Key(quote.attestationKey);
  const leafKey = p256Key(leaf.spki, 'spki');
  const caKey = p256Key(ca.spki, 'spki');
  const rootKey = p256Key(root.spki, 'spki');
  const tcbKey = p256Key(tcbSigner.spki, 'spki');

  const signedBy = (label, key, obj) => ecdsaCheck(label, key, HASH, ecdsaDerToRaw(obj.signature, P256_SCALAR), obj.tbs);
  const json = (label, text, hex) => ecdsaCheck(label, tcbKey, HASH, new Uint8Array(Buffer.from(hex, 'hex')), new Uint8Array(Buffer.from(text, 'utf8')));
  return [
    ecdsaCheck('quote by the attestation key', attestationKey, HASH, quote.signature, quote.signedRange),
    ecdsaCheck('QE report by the PCK key', leafKey, HASH, quote.qe.qeReportSignature, quote.qe.qeReport.raw),
    signedBy('PCK certificate by the PCK CA', caKey, leaf),
    signedBy('PCK CA by the root', rootKey, ca),
    signedBy('root self-signature', rootKey, root),
    signedBy('TCB signing certificate by the root', rootKey, tcbSigner),
    signedBy('PCK CRL by the PCK CA', caKey, pckCrl),
    signedBy('Root CA CRL by the root', rootKey, rootCrl),
    json('TCB Info by the TCB signing key', collateral.tcb_info, collateral.tcb_info_signature),
    json('QE Identity by the TCB signing key', collateral.qe_identity, collateral.qe_identity_signature),
  ];
}
