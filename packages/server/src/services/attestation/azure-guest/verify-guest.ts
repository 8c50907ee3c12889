/**
 * Verifies a guest attestation request: the isolation evidence, runtime data and vTPM quote as
 * Azure CVM evidence; the AK the guest names (TpmInfo.AikPub) must be the runtime data's
 * HCLAkPub, the key the hardware report binds; and the encryption key, when given, must be
 * certified by that AK.
 */
import {
  parseAzureCvmEvidence,
  parseTpmPublicKey,
  sameKey,
  verifyAzureCvmEvidence,
  verifyTpmEncryptionKey,
  type AzureCvmClaims,
  type TpmPublicKey,
  type VerifyContext,
} from '@confide/evidence';
import { ServerError } from '../../../errors/index.js';
import type { GuestAttestationInfo } from './attestation-info.js';

export interface VerifiedGuest {
  claims: AzureCvmClaims;
  /** The vTPM's certified encryption key, when the guest asked for an encrypted token. */
  encryptionKey: TpmPublicKey | undefined;
}

/**
 * Throws what the Azure CVM verifier throws, ERR_EVIDENCE_BINDING_MISMATCH (AikPub is not
 * HCLAkPub: details.field "AttestationInfo.TpmInfo.AikPub"), and what verifyTpmEncryptionKey throws.
 */
export async function verifyGuest(info: GuestAttestationInfo, ctx: VerifyContext): Promise<VerifiedGuest> {
  const view = parseAzureCvmEvidence(info.evidence);
  const claims = await verifyAzureCvmEvidence(view, ctx);
  if (info.aikPub && !sameKey(parseTpmPublicKey(info.aikPub), view.runtime.akPub)) {
    throw new ServerError('ERR_EVIDENCE_BINDING_MISMATCH', 'TpmInfo.AikPub is not the HCLAkPub the hardware report binds', { details: { field: 'AttestationInfo.TpmInfo.AikPub' } });
  }
  const encryptionKey = info.encryptionKey ? await verifyTpmEncryptionKey(view.runtime.akPub, info.encryptionKey, ctx.cache) : undefined;
  return { claims, encryptionKey };
}
