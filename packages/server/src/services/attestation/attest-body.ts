/**
 * The attest request body as the MAA REST API defines it (2020-10-01 through 2025-06-01): the
 * route validates with this schema, and the service takes the type the schema gives.
 */
import type { FromSchema } from '../wire/from-schema.js';

const dataSchema = {
  type: 'object',
  description: 'RuntimeData / InitTimeData: bytes the evidence binds (Binary) or JSON claims to bind (JSON).',
  properties: { data: { type: 'string', description: 'base64url, padded or not' }, dataType: { type: 'string', enum: ['Binary', 'JSON'] } },
  required: ['data'],
} as const;

export const ATTEST_BODY_SCHEMA = {
  type: 'object',
  description:
    'AttestSgxEnclaveRequest / AttestOpenEnclaveRequest / AttestSevSnpVmRequest / AttestTdxVmRequest. ' +
    'SgxEnclave and TdxVm take `quote`; OpenEnclave, SevSnpVm, Tpm (Confide: TPM evidence JSON) and NvidiaGpu take `report`; Simulated either; AzureGuest `AttestationInfo`.',
  properties: {
    quote: { type: 'string', description: 'base64url evidence (SgxEnclave, TdxVm, Simulated)' },
    report: { type: 'string', description: 'base64url evidence (OpenEnclave, SevSnpVm, Tpm, NvidiaGpu, Simulated)' },
    eventLog: { type: 'string', description: 'Confide extension, TdxVm only: base64url of the CC event log (the CCEL log area), replayed against the quote\'s RTMR0-3' },
    ccelTable: { type: 'string', description: 'Confide extension, TdxVm only, with eventLog: base64url of the ACPI CCEL table, checked and bounding the log' },
    gpuEvidence: {
      type: 'string',
      description: 'Confide extension, SevSnpVm, TdxVm and Simulated: base64url of NVIDIA GPU/NVSwitch evidence (a list of {evidence, certificate} entries, or NRAS\'s {evidence_list}), each device signed over the CPU report data bytes 32-63',
    },
    AttestationInfo: { type: 'string', description: "AzureGuest only: base64url of the guest attestation client's AttestationInfo JSON (TCG logs, TPM quote, PCRs, AK, encryption key, isolation evidence: docs/attestation.md)" },
    data: { type: 'string', description: "MAA's TPM protocol message (TpmAttestationRequest.data): not served, refused with ERR_EVIDENCE_UNSUPPORTED" },
    runtimeData: dataSchema,
    initTimeData: dataSchema,
    draftPolicyForAttestation: { type: 'string', description: 'a policy to try instead of the stored one; the token comes back unsigned' },
    nonce: { anyOf: [{ type: 'string' }, { type: 'number' }], description: 'echoed in the token' },
  },
} as const;

/** A body that ATTEST_BODY_SCHEMA accepts. */
export type AttestBody = FromSchema<typeof ATTEST_BODY_SCHEMA>;
