/**
 * The three checks one SEV-SNP verification with a VCEK needs: the report by the VCEK
 * (ECDSA P-384/SHA-384 over bytes [0, 0x2A0), r and s stored as 72-byte little-endian values),
 * the VCEK by the ASK and the ASK by the ARK (RSASSA-PSS/SHA-384, salt 48). A pinned ARK's
 * self-signature adds nothing and is left out.
 */
import { pemCertificates, signedObject } from './der.mjs';
import { ecdsaCheck, p384Key, pssCheck, pssKey } from './floor.mjs';

// SEV-SNP ABI, attestation report table: signed bytes end where the signature begins.
const SIGNATURE_OFFSET = 0x2a0;
const SCALAR_FIELD = 72;
const P384_SCALAR = 48;
// AMD's KDS certificates: RSASSA-PSS with SHA-384 and a 48-byte salt.
const PSS_SALT = 48;

function leScalar(report, offset) {
  return Uint8Array.from(report.subarray(offset, offset + P384_SCALAR)).reverse();
}

/** The checks for a 1184-byte `report`, its DER `vcek` and `askArkPem` (ASK then ARK). */
export function snpChecks(report, vcek, askArkPem) {
  const [askDer, arkDer] = pemCertificates(askArkPem);
  const vcekObj = signedObject(vcek);
  const ask = signedObject(askDer);
  const ark = signedObject(arkDer);
  const signature = new Uint8Array(P384_SCALAR * 2);
  signature.set(leScalar(report, SIGNATURE_OFFSET), 0);
  signature.set(leScalar(report, SIGNATURE_OFFSET + SCALAR_FIELD), P384_SCALAR);
  return [
    ecdsaCheck('report by the VCEK', p384Key(vcekObj.spki), 'SHA-384', signature, report.subarray(0, SIGNATURE_OFFSET)),
    pssCheck('VCEK by the ASK', pssKey(ask.spki, 'SHA-384'), PSS_SALT, vcekObj.signature, vcekObj.tbs),
    pssCheck('ASK by the ARK', pssKey(ark.spki, 'SHA-384'), PSS_SALT, ask.signature, ask.tbs),
  ];
}
