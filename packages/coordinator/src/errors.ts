/** The coordinator's codes: sealing, recovery, manifest and secrets, state machine and activation. */
import { CORE_ERROR_CODES, defineErrorCodes, errorClass } from '@confide/core';
import { AUDIT_ERROR_CODES } from '@confide/audit/errors';
import { EVIDENCE_ERROR_CODES } from '@confide/evidence/errors';
import { STORE_ERROR_CODES } from '@confide/store/errors';

export const COORDINATOR_ERROR_CODES = defineErrorCodes('coordinator', {
  // sealing and recovery
  ERR_SEAL_UNSEAL_FAILED: { expose: false, summary: 'Sealed key material cannot be opened: another seal key, another context, or altered bytes.' },
  ERR_SEAL_KEY_UNAVAILABLE: { expose: true, summary: 'The seal key cannot be obtained (missing or unreadable); the coordinator needs recovery.' },
  ERR_SEAL_MODE_UNAVAILABLE: {
    expose: true,
    summary: "The manifest's Config.SealMode cannot be honoured here: no key bound to this TEE for ProductKey or UniqueKey, or Disabled on a shared PostgreSQL store (details name the mode).",
  },
  ERR_RECOVERY_KEYS_INVALID: { expose: true, summary: 'RecoveryKeys or RecoveryThreshold cannot be used: not an RSA public key of 2048 bits or more, or a threshold out of range.' },
  ERR_RECOVERY_SHARE_INVALID: { expose: true, summary: 'A recovery share does not belong to the named recovery key, or is malformed.' },
  ERR_RECOVERY_SHARE_DUPLICATE: { expose: true, summary: 'A recovery share for this recovery key was already accepted.' },
  ERR_RECOVERY_SIGNATURE_INVALID: {
    expose: true,
    summary: "A recovery share came without recoverySecretSignature, or its signature does not verify under the manifest's recovery key for it (RSA PKCS#1 v1.5, SHA-256).",
  },
  // manifest templates and secrets
  ERR_MANIFEST_INVALID: { expose: true, summary: 'The manifest is not valid (details give the path of the first bad entry).' },
  ERR_SECRET_INVALID: { expose: true, summary: 'A secret value is unset or does not fit its definition (type, size, key pair, or NUL bytes where text is required).' },
  // state machine and activation
  ERR_COORDINATOR_STATE: { expose: true, summary: 'The coordinator is not in a state that allows this operation (details give the state).' },
  ERR_ACTIVATION_REFUSED: { expose: true, summary: 'A marble\'s evidence does not match its package in the manifest (details give the field).' },
  ERR_MAX_ACTIVATIONS: { expose: true, summary: 'The marble type has reached its MaxActivations.' },
});

/** Raises the codes the coordinator knows: its own and those of the packages it builds on. */
export const CoordinatorError = errorClass(CORE_ERROR_CODES, EVIDENCE_ERROR_CODES, STORE_ERROR_CODES, AUDIT_ERROR_CODES, COORDINATOR_ERROR_CODES);
export type CoordinatorError = InstanceType<typeof CoordinatorError>;
export type CoordinatorErrorCode = CoordinatorError['code'];
