/** The server's own codes: the HTTP surface, server start, and attestation administration. */
import { defineErrorCodes } from '@confide/core';

export const SERVER_ERROR_CODES = defineErrorCodes('server', {
  ERR_CONFIG_FILE_UNREADABLE: { expose: true, summary: 'The configuration file cannot be read or is not valid JSON.' },
  // HTTP surface
  ERR_BODY_MALFORMED: { expose: true, summary: 'The request body is not valid for its content type (for example, broken JSON).' },
  ERR_BODY_TOO_LARGE: { expose: true, summary: 'The request body is larger than the configured limit.' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { expose: true, summary: 'The request content type is not accepted by this route.' },
  ERR_METHOD_NOT_ALLOWED: { expose: true, summary: 'The route exists but not for this method.' },
  ERR_API_REMOVED: { expose: true, summary: 'The endpoint was removed from this API version; the message names its replacement (MarbleRun v1 /recover: use /api/v2/recover).' },
  // Kubernetes marble injector
  ERR_ADMISSION_REVIEW_INVALID: { expose: true, summary: 'The body is not an admission.k8s.io/v1 AdmissionReview of a well-formed pod (the message names the field).' },
  // server start
  ERR_PORT_IN_USE: { expose: true, summary: 'The listen address is already in use.' },
  // attestation administration: policy and policy-certificate management (bearer auth uses ERR_UNAUTHENTICATED)
  ERR_POLICY_TOKEN_INVALID: { expose: true, summary: 'A policy or policy-certificate JWS is malformed, carries the wrong payload, or its signature does not verify with its x5c certificate.' },
  ERR_POLICY_SIGNER_UNTRUSTED: { expose: true, summary: 'Isolated mode: the JWS is unsigned, or its signer is not a current policy-management certificate.' },
  ERR_POLICY_REPLAYED: { expose: true, summary: 'Isolated mode: this signed request was already applied, to another policy type or before a later change, and cannot be applied again.' },
  ERR_POLICY_RESERVED_CLAIM: { expose: true, summary: 'The policy issues a claim name reserved for the evidence, the request or the token itself (details name the claim).' },
  ERR_OPERATION_NOT_ALLOWED: { expose: true, summary: 'The operation is not allowed in the current mode or state (for example, removing the last policy-management certificate).' },
});
