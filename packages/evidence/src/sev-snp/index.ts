/** AMD SEV-SNP attestation reports: parsing, verification against AMD's KDS PKI, claims. */
export { parseSnpReport, type SnpReport, type SnpSigningKey, type SnpFirmwareVersion } from './report.js';
export { verifySnpReport } from './verify-report.js';
export { snpVerifier } from './verifier.js';
export type { SevSnpClaims } from './sev-snp-claims.js';
export type { SnpTcb } from './tcb.js';
export type { SnpGuestPolicy, SnpPlatformInfo } from './policy.js';
export { AMD_PINNED, type AmdPinnedChain } from './roots.js';
