/** NVIDIA confidential GPUs and NVSwitches: SPDM 1.1 measurement reports, the device PKI, claims. */
export { parseNvidiaReport, type NvidiaReport } from './report.js';
export type { MeasurementBlock } from './measurement-blocks.js';
export type { NvidiaOpaqueClaims } from './opaque-data.js';
export { parseNvidiaEvidence, nvidiaEvidenceFromEntry, type NvidiaEvidence, type NvidiaEvidenceEntry } from './evidence.js';
export { parseNvidiaCertificate, nvidiaChainFromPem, type NvidiaCertificate } from './certificate.js';
export { verifyNvidiaChain, type NvidiaChain } from './chain.js';
export { verifyNvidiaEvidence } from './verify-evidence.js';
export { parseNvidiaEvidenceList, verifyNvidiaEvidenceList, MAX_NVIDIA_DEVICES } from './batch.js';
export { nvidiaVerifier } from './verifier.js';
export type { NvidiaDetails, NvidiaMeasurementBlockClaims } from './nvidia-claims.js';
export { NVIDIA_DEVICE_ROOT } from './roots.js';
