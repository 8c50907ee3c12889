export { SIM_MAGIC, SIM_VERSION, SIM_OFFSET, SIM_SIZE, hasSimMagic } from './layout.js';
export { parseSimEvidence, type SimEvidence } from './parse.js';
export { createSimEvidence, type SimEvidenceFields, type SimSigningKey } from './encode.js';
export { verifySimEvidence } from './verify-evidence.js';
export { simVerifier } from './verifier.js';
export { simKeyId, simPublicKeyFromPem, simPublicKeyToPem } from './keys.js';
export { SIM_WARNING } from './warning.js';
