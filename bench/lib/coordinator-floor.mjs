/**
 * The floor of one marble activation: the signature checks its evidence needs, beside the work
 * of issuing the marble's certificate (a fresh P-256 key, exported as SPKI and PKCS#8 because
 * the certificate and the answer carry them, then one ECDSA P-384/SHA-384 signature by the
 * intermediate over a to-be-signed certificate of a real leaf's size). The signature needs the
 * new key, so it follows the key generation; the checks run beside both. Keys are imported once.
 */
import { Buffer } from 'node:buffer';
import { signedObject } from './der.mjs';
import { ecdsaCheck, floorImpl, p256Key } from './floor.mjs';
import { intelChecks } from './intel-floor.mjs';

const subtle = globalThis.crypto.subtle;
const P256 = { name: 'ECDSA', namedCurve: 'P-256' };
const P384 = { name: 'ECDSA', namedCurve: 'P-384' };
const P384_SIGN = { name: 'ECDSA', hash: 'SHA-384' };

// Simulated evidence v1 (docs/simulated-tee.md, table "Simulated evidence v1"): the signature
// (ECDSA P-256/SHA-256, r || s) at 0xc0 covers every byte before it.
const SIM_SIGNATURE_OFFSET = 0xc0;
const SIM_SIGNATURE_SIZE = 64;

/** The one check of simulated evidence: its signature by the simulation key (SPKI DER). */
export function simChecks(evidence, simSpki) {
  const signature = evidence.subarray(SIM_SIGNATURE_OFFSET, SIM_SIGNATURE_OFFSET + SIM_SIGNATURE_SIZE);
  return [ecdsaCheck('simulated evidence by the simulation key', p256Key(simSpki, 'spki'), 'SHA-256', signature, evidence.subarray(0, SIM_SIGNATURE_OFFSET))];
}


/** The ten checks of an SGX quote (see intel-floor.mjs); `parsed` from parseIntelQuote, `qvlCollateral` in dcap-qvl's layout. */
export function sgxChecks(parsed, qvlCollateral) {
  return intelChecks(parsed, qvlCollateral);
}

/** The DER of the first certificate in a PEM text. */
function firstCertificate(pem) {
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('no PEM certificate in the activation answer');
  return new Uint8Array(Buffer.from(m[1], 'base64'));
}

/**
 * The floor column: { op } or { reason }. `checks` as from simChecks or sgxChecks; `leafPem` a
 * marble certificate our coordinator issued (its tbsCertificate is what the floor signs).
 */
export async function activationFloorImpl(checks, leafPem) {
  const verifies = await floorImpl(checks);
  if (verifies.reason) return verifies;
  let tbs;
  try {
    tbs = signedObject(firstCertificate(leafPem)).tbs.slice();
  } catch (err) {
    return { reason: `cannot read the marble certificate: ${err.message}` };
  }
  const intermediate = await subtle.generateKey(P384, false, ['sign', 'verify']);
  const issue = async () => {
    const keys = await subtle.generateKey(P256, true, ['sign', 'verify']);
    const [spki, pkcs8] = await Promise.all([subtle.exportKey('spki', keys.publicKey), subtle.exportKey('pkcs8', keys.privateKey)]);
    const signature = await subtle.sign(P384_SIGN, intermediate.privateKey, tbs);
    return { spki, pkcs8, signature };
  };
  // The issuing half must produce a real signature: check one.
  const probe = await issue();
  if (!(await subtle.verify(P384_SIGN, intermediate.publicKey, probe.signature, tbs))) return { reason: 'the P-384 probe signature does not verify' };
  const op = async () => {
    const [, issued] = await Promise.all([verifies.op(), issue()]);
    if (issued.signature.byteLength !== 96) throw new Error('the P-384 signature is not 96 bytes');
  };
  return { op };
}

/** "1 × ECDSA P-256/SHA-256 check + …": what one floor operation does, for the table notes. */
export function describeIssuing() {
  return '1 × P-256 key generation (exported as SPKI and PKCS#8) then 1 × ECDSA P-384/SHA-384 signature over a marble tbsCertificate';
}
