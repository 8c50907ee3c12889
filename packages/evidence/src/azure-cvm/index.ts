/** Azure confidential VMs: the HCL report, its runtime data and the vTPM quote, over SEV-SNP or TDX. */
export { parseHclReport, hasHclMagic, type HclReport, type HclHardware } from './hcl-report.js';
export { parseRuntimeData, HCL_AK_KID, HCL_EK_KID, type RuntimeData } from './runtime-data.js';
export { parseAzureCvmEvidence, asTpmtSignature, MAX_VEK_CERTIFICATES, type AzureCvmEvidence, type AzureCvmEvidenceParts } from './evidence.js';
export { parseAzureCvmEvidenceJson, azureCvmPartsFromJson, azureCvmJsonShape, readTpmQuote, MAX_AZURE_CVM_JSON_BYTES } from './evidence-json.js';
export { parseVtpmQuoteBincode, type VtpmQuote } from './tpm-quote-bincode.js';
export { verifyAzureCvmEvidence } from './verify-evidence.js';
export { verifyTpmEncryptionKey, type TpmEncryptionKeyParts } from './encryption-key.js';
export { azureCvmVerifier } from './verifier.js';
export type { AzureCvmDetails } from './azure-cvm-claims.js';
