/**
 * TPM evidence for /attest/Tpm: parsed once, verified with the request's context, and the AK
 * kept so its MAA claim (`aikPubHash`, base64 of SHA-256 of the DER public key) can be derived
 * from the very key the quotes were checked under.
 */
import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import { toBase64Url } from '@confide/core';
import { parseTpmEvidenceJson, verifyTpmEvidence, type TpmClaims, type TpmPublicKey, type VerifyContext } from '@confide/evidence';

function akJwk(key: TpmPublicKey): JsonWebKey {
  return key.kind === 'rsa' ? { kty: 'RSA', n: toBase64Url(key.n), e: toBase64Url(key.e) } : { kty: 'EC', crv: key.curve, x: toBase64Url(key.x), y: toBase64Url(key.y) };
}

/** MAA's aikPubHash: base64(SHA-256(the AK's DER SubjectPublicKeyInfo)). */
function aikPubHash(key: TpmPublicKey): string {
  const spki = createPublicKey({ key: akJwk(key), format: 'jwk' }).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** Verifies TPM evidence JSON. Throws what parseTpmEvidenceJson and verifyTpmEvidence throw (ERR_EVIDENCE_*, ERR_CONFIG_INVALID). */
export async function verifyTpmRequest(evidence: Uint8Array, ctx: VerifyContext): Promise<{ claims: TpmClaims; aikPubHash: string }> {
  const view = parseTpmEvidenceJson(evidence);
  const claims = await verifyTpmEvidence(view, ctx);
  return { claims, aikPubHash: aikPubHash(view.ak) };
}
