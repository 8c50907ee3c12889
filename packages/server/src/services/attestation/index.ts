export { createAttestationService, type AttestationService, type AttestationServiceOptions, type AttestationTokenIssuer } from './service.js';
export { ATTESTATION_TYPES, MAA_TEE_NAME, type AttestationType, type AttestRequest, type MaaData } from './types.js';
export { DEFAULT_POLICIES } from './default-policies.js';
export { currentPolicy } from './policy-store.js';
export { parseAttestRequest } from './request.js';
export { ATTEST_BODY_SCHEMA, type AttestBody } from './attest-body.js';
export { evidenceClaims, incomingClaims } from './maa-claims.js';
export { nodeVerifyCrypto, type NodeVerifyCryptoOptions } from './node-crypto.js';
