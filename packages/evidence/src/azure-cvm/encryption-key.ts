/**
 * The TPM encryption key Azure's guest attestation client asks its token to be encrypted to: an
 * RSA key created in the vTPM (TPM2_CreatePrimary, decrypt-only, bound to the PCRs by its
 * policy) and certified by the attestation key with TPM2_Certify. The certification must verify
 * under the AK and name exactly this key (nameAlg || H(TPMT_PUBLIC)), so the token can be read
 * only inside that vTPM.
 */
import { timingSafeEqual } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { defaultVerifyCache, type VerifyCache } from '../memo/verify-cache.js';
import { parseTpmsAttest } from '../tpm/attest.js';
import { parseTpmPublicKey, tpmObjectName, type TpmPublicKey } from '../tpm/public-key.js';
import { parseTpmtSignature } from '../tpm/signature.js';
import { verifyTpmSignature } from '../tpm/verify-signature.js';
import { asTpmtSignature } from './evidence.js';

export interface TpmEncryptionKeyParts {
  /** TPM2B_PUBLIC (or TPMT_PUBLIC) of the key. */
  publicArea: Uint8Array;
  /** The TPMS_ATTEST of TPM2_Certify. */
  certifyInfo: Uint8Array;
  /** Its signature by the AK (TPMT_SIGNATURE, or the bare RSA value). */
  signature: Uint8Array;
}

function fail(code: 'ERR_EVIDENCE_MALFORMED' | 'ERR_EVIDENCE_SIGNATURE_INVALID' | 'ERR_EVIDENCE_BINDING_MISMATCH' | 'ERR_EVIDENCE_UNSUPPORTED', message: string): never {
  throw new EvidenceError(code, `TPM encryption key: ${message}`, { details: { field: 'encryptionKey' } });
}

/**
 * Verifies the encryption key's certification by `ak` and returns the key. Throws
 * ERR_EVIDENCE_MALFORMED (parts that do not parse, a key not given as TPMT_PUBLIC, a certification
 * of another type), ERR_EVIDENCE_UNSUPPORTED (not an RSA decryption key), ERR_EVIDENCE_SIGNATURE_INVALID
 * (not signed by the AK), ERR_EVIDENCE_BINDING_MISMATCH (certifies another key); details.field = "encryptionKey".
 */
export async function verifyTpmEncryptionKey(ak: TpmPublicKey, parts: TpmEncryptionKeyParts, cache: VerifyCache = defaultVerifyCache): Promise<TpmPublicKey> {
  const key = parseTpmPublicKey(parts.publicArea);
  const object = key.object;
  if (!object) fail('ERR_EVIDENCE_MALFORMED', 'the key must be given as TPM2B_PUBLIC or TPMT_PUBLIC (its name is the hash of it)');
  if (key.kind !== 'rsa' || !object.decrypt || object.sign) fail('ERR_EVIDENCE_UNSUPPORTED', 'not an RSA decryption key');
  const attest = parseTpmsAttest(parts.certifyInfo, 'TPM encryption key certification');
  if (attest.type !== 'certify') fail('ERR_EVIDENCE_MALFORMED', `the certification is a ${attest.type}, not TPM2_Certify`);
  const signature = parseTpmtSignature(ak.kind === 'rsa' ? asTpmtSignature(parts.signature, ak.bits) : parts.signature, 'TPM encryption key certification signature');
  const [ok, name] = await Promise.all([verifyTpmSignature(ak, signature, attest.raw, cache), tpmObjectName(object)]);
  if (!ok) fail('ERR_EVIDENCE_SIGNATURE_INVALID', 'the certification does not verify under the attestation key');
  if (!(attest.objectName.length === name.length && timingSafeEqual(attest.objectName, name))) fail('ERR_EVIDENCE_BINDING_MISMATCH', 'the certification names another key');
  return key;
}
