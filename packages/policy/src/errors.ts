/** The codes of the attestation policy language and of key release policies: parsing, validity, evaluation and verdict. */
import { CORE_ERROR_CODES, defineErrorCodes, errorClass } from '@confide/core';

export const POLICY_ERROR_CODES = defineErrorCodes('policy', {
  ERR_POLICY_SYNTAX: { expose: true, summary: 'The attestation policy text does not follow the policy grammar (details give line and column).' },
  ERR_POLICY_INVALID: { expose: true, summary: 'The attestation policy parses but is not valid for its version (section, action, function or identifier).' },
  ERR_POLICY_EVALUATION_FAILED: { expose: true, summary: 'A policy rule failed while it was evaluated (bad function argument, JSON or JMESPath query).' },
  ERR_POLICY_DENIED: { expose: true, summary: 'The attestation policy authorization rules did not permit the evidence.' },
  ERR_KEY_RELEASE_POLICY_INVALID: { expose: true, summary: 'A key release policy is not valid JSON or does not follow the release policy grammar (details name the path).' },
  ERR_KEY_RELEASE_POLICY_DENIED: { expose: true, summary: 'The attestation token does not satisfy the key release policy (no authority matched the issuer, or its conditions did not hold).' },
});

/** Raises the codes policy knows: its own and core's. */
export const PolicyError = errorClass(CORE_ERROR_CODES, POLICY_ERROR_CODES);
export type PolicyError = InstanceType<typeof PolicyError>;
export type PolicyErrorCode = PolicyError['code'];
