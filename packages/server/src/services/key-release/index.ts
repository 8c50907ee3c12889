export { KeyReleaseService, type KeyReleaseServiceOptions, type ReleaseRequest } from './release-service.js';
export { ownIssuer, jwksIssuer, keyIssuer, findIssuer, type TrustedIssuer, type IssuerKeys } from './trusted-issuers.js';
export { verifyReleaseTarget, RELEASE_TOKEN_ALGORITHMS, type VerifiedTarget } from './verify-target.js';
