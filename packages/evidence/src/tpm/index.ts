/** TPM 2.0 quotes and TCG PC Client event logs: parsing, verification, claims. */
export { TPM_ALG, TPM_HASHES, type TpmBank, type TpmHash } from './algorithms.js';
export { parseTpmsAttest, TPM_GENERATED_VALUE, type TpmAttest, type TpmQuoteAttest, type TpmCreationAttest, type TpmCertifyAttest, type TpmPcrSelection, type TpmClockInfo } from './attest.js';
export { parseTpmtSignature, type TpmSignature } from './signature.js';
export { parseTpmPublicKey, keyFromJwk, sameKey, type TpmPublicKey, type TpmObjectInfo } from './public-key.js';
export { readPcrBanks, type TpmPcrBanks, type TpmPcrInput } from './pcr-values.js';
export { parseTpmCertificate, type TpmCertificate } from './certificate.js';
export { parseTpmEvidence, MAX_TPM_QUOTES, MAX_AK_CERTIFICATES, type TpmEvidence, type TpmEvidenceParts, type TpmQuote } from './evidence.js';
export { parseTpmEvidenceJson, tpmPartsFromJson, tpmJsonShape, MAX_TPM_JSON_BYTES } from './evidence-json.js';
export { verifyTpmEvidence } from './verify-evidence.js';
export { tpmVerifier } from './verifier.js';
export type { TpmDetails, TpmQuoteClaims, TpmAkClaims, TpmEventLogClaims } from './claims.js';
export { parseTcgEventLog, MAX_EVENT_LOG_BYTES, MAX_EVENTS, MAX_EVENT_DATA_BYTES, type TcgEventLog, type TcgEvent, type TcgSpecId, type TcgParseOptions } from './event-log/parse.js';
export { replayBank } from './event-log/replay.js';
export { decodeEventLog, type VerifiedPcrs, type TcgEventLogDecoded, type TcgAuthority, type TcgBootApplication } from './event-log/claims.js';
export { EV, eventTypeName } from './event-log/event-types.js';
