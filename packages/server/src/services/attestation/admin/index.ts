/** MAA policy and policy-management certificate administration (no HTTP types). */
export { createPolicyAdmin, policyTokenHash, type PolicyAdmin, type PolicyAdminOptions, type PolicyManagementMode, type PolicyType, type ResultTokenSigner, type StoredPolicy } from './policy-admin.js';
export {
  certificateJwk,
  certificatesFromPem,
  thumbprintOf,
  type CertificateJwk,
  type StoredPolicyCertificate,
} from './certificates.js';
export { readClientJws, type ClientJws, type JwsSigner } from './policy-jws.js';
export { JWS_ALGORITHMS } from '../../../jose/algorithms.js';
