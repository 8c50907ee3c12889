/**
 * Decodes an attest request body that the route's schema (attest-body.ts) has already checked:
 * which evidence field the type takes, base64url, JSON data, limits. Every failure is a 400 naming the field.
 */
import { assertJsonDepth, limitExceeded, type ConfideError } from '@confide/core';
import { ServerError } from '../../errors/index.js';
import { POLICY_LIMITS } from '@confide/policy';
import type { AttestBody } from './attest-body.js';
import type { AttestationType, AttestRequest, MaaData } from './types.js';
import { decodeSnpEnvelope } from './snp-envelope.js';
import { parseGpuEvidence } from './gpus/gpu-evidence.js';
import { GPU_HOST_TYPES } from './gpus/verify-gpus.js';
import { parseAttestationInfo } from './azure-guest/attestation-info.js';

/** The body field that carries the evidence, per endpoint (REST spec: AttestSgxEnclaveRequest.quote, AttestOpenEnclaveRequest.report, ...). */
const EVIDENCE_FIELD: Record<AttestationType, readonly ('quote' | 'report')[]> = {
  SgxEnclave: ['quote'],
  OpenEnclave: ['report'],
  SevSnpVm: ['report'],
  TdxVm: ['quote'],
  // Confide's body for MAA's path: TPM evidence JSON (docs/tpm.md), as `confide verify --tee tpm` reads it.
  Tpm: ['report'],
  // Azure's guest attestation: `AttestationInfo` (azure-guest/attestation-info.ts), read before this table is.
  AzureGuest: [],
  // Confide's own endpoint: an NVIDIA evidence JSON entry (report and device chain), or a raw report.
  NvidiaGpu: ['report'],
  // Confide's own endpoint: either name, so SDK helpers for SGX and OE both fit.
  Simulated: ['quote', 'report'],
};

/** Caller-supplied values that are signed into the token are bounded, so a token stays a token. */
const ATTEST_LIMITS = {
  /** Characters of `nonce`. */
  maxNonceLength: 1024,
  /** Decoded bytes of `runtimeData.data` and of `initTimeData.data`. */
  maxDataBytes: 64 * 1024,
} as const;

/** Strict: JSON data must be UTF-8, so a stray byte is refused rather than replaced. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const BASE64URL = /^[A-Za-z0-9_\-+/]*={0,2}$/;

function invalid(message: string, field: string): ConfideError {
  return new ServerError('ERR_VALIDATION', message, { details: { field } });
}

/** Decodes base64url (or base64), with or without padding. Throws ERR_VALIDATION naming the field. */
export function decodeBase64Field(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string') throw invalid(`${field} must be a base64url string`, field);
  const text = value.trim();
  if (!BASE64URL.test(text)) throw invalid(`${field} is not base64url`, field);
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d /* '=' */) end--;
  // 4n+1 characters cannot come from any byte string.
  if (end % 4 === 1) throw invalid(`${field} is not base64url`, field);
  // Buffer's decoder takes both alphabets; the pattern above has already refused anything else.
  // Copied out of Buffer's shared pool into bytes of its own, as the evidence was before.
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function decodeData(value: AttestBody['runtimeData'], field: string): MaaData | undefined {
  if (value === undefined) return undefined;
  const bytes = decodeBase64Field(value.data, `${field}.data`);
  if (bytes.length > ATTEST_LIMITS.maxDataBytes) throw limitExceeded('attest.maxDataBytes', ATTEST_LIMITS.maxDataBytes, `${field}.data`);
  const dataType = value.dataType ?? 'Binary';
  if (dataType === 'Binary') return { bytes, dataType };
  let json: unknown;
  try {
    json = JSON.parse(UTF8.decode(bytes));
  } catch {
    throw invalid(`${field}.data has dataType JSON but is not UTF-8 JSON`, `${field}.data`);
  }
  // The JSON becomes a token claim and a policy input, both walked recursively.
  assertJsonDepth(json, 'json.maxDepth', `${field}.data`);
  return { bytes, dataType, json };
}

function decodeNonce(value: AttestBody['nonce']): string | undefined {
  if (value === undefined) return undefined;
  // The Microsoft SEV-SNP sidecar sends a JSON number (uint64); the spec says string.
  if (typeof value === 'number') return String(value);
  if (value.length > ATTEST_LIMITS.maxNonceLength) throw limitExceeded('attest.maxNonceLength', ATTEST_LIMITS.maxNonceLength, 'nonce');
  return value;
}

/** TdxVm's Confide extension fields: the CC event log and its CCEL table. Other types refuse them rather than ignore them. */
function decodeEventLog(type: AttestationType, body: AttestBody, request: AttestRequest): void {
  for (const field of ['eventLog', 'ccelTable'] as const) {
    if (body[field] === undefined) continue;
    if (type !== 'TdxVm') throw invalid(`${field} is taken by /attest/TdxVm only`, field);
    const bytes = decodeBase64Field(body[field], field);
    if (bytes.length === 0) throw invalid(`${field} is empty`, field);
    request[field] = bytes;
  }
  if (request.ccelTable && !request.eventLog) throw invalid('ccelTable is taken only with eventLog', 'ccelTable');
}

/** The fields every type takes: the nonce echoed in the token, and a draft policy. */
function withNonceAndDraft(body: AttestBody, request: AttestRequest): AttestRequest {
  const nonce = decodeNonce(body.nonce);
  if (nonce !== undefined) request.nonce = nonce;
  const draft = body.draftPolicyForAttestation;
  if (draft !== undefined) {
    if (draft.trim() === '') throw invalid('draftPolicyForAttestation must be a non-empty string', 'draftPolicyForAttestation');
    if (draft.length > POLICY_LIMITS.maxLength) throw limitExceeded('policy.maxLength', POLICY_LIMITS.maxLength, 'draftPolicyForAttestation');
    request.draftPolicy = draft;
  }
  return request;
}

/** AzureGuest takes `AttestationInfo` alone: the other fields belong to the hardware endpoints. */
function parseGuestRequest(body: AttestBody): AttestRequest {
  if (body.AttestationInfo === undefined) throw invalid('AttestationInfo is required for /attest/AzureGuest', 'AttestationInfo');
  for (const field of ['quote', 'report', 'runtimeData', 'initTimeData', 'eventLog', 'ccelTable', 'gpuEvidence', 'data'] as const) {
    if (body[field] !== undefined) throw invalid(`${field} is not taken by /attest/AzureGuest (the guest's AttestationInfo holds its evidence)`, field);
  }
  const request: AttestRequest = { type: 'AzureGuest', evidence: new Uint8Array(0), guest: parseAttestationInfo(body.AttestationInfo) };
  return withNonceAndDraft(body, request);
}

/**
 * Decodes one attest request body for `type`.
 * Throws ERR_VALIDATION (the type's evidence field missing, or a field not base64url), ERR_EVIDENCE_UNSUPPORTED
 * (MAA's TPM protocol `data`), ERR_LIMIT_EXCEEDED
 * (attest.maxNonceLength, attest.maxDataBytes, json.maxDepth, policy.maxLength),
 * ERR_EVIDENCE_MALFORMED (a SevSnpVm report envelope that is not the documented JSON, gpuEvidence that does not parse).
 */
export function parseAttestRequest(type: AttestationType, body: AttestBody): AttestRequest {
  if (type === 'Tpm' && body.data !== undefined) {
    // MAA's /attest/Tpm protocol messages carry Windows platform claims (NCryptCreateClaim), whose format is not public.
    throw new ServerError('ERR_EVIDENCE_UNSUPPORTED', `MAA's TPM protocol messages (\`data\`) are not served; send TPM evidence JSON in \`report\` (docs/attestation.md)`, {
      details: { field: 'data' },
    });
  }
  if (type === 'AzureGuest') return parseGuestRequest(body);
  const fields = EVIDENCE_FIELD[type];
  const field = fields.find((f) => body[f] !== undefined);
  if (field === undefined) throw invalid(`${fields.join(' or ')} is required for /attest/${type}`, fields[0]!);
  const raw = decodeBase64Field(body[field], field);
  if (raw.length === 0) throw invalid(`${field} is empty`, field);

  const request: AttestRequest = { type, evidence: raw };
  if (type === 'SevSnpVm') {
    const envelope = decodeSnpEnvelope(raw);
    request.evidence = envelope.report;
    if (envelope.vcekChainPem !== undefined) request.vcekChainPem = envelope.vcekChainPem;
    if (envelope.endorsements !== undefined) request.endorsements = envelope.endorsements;
  }
  decodeEventLog(type, body, request);
  if (body.gpuEvidence !== undefined) {
    if (!GPU_HOST_TYPES.has(type)) throw invalid(`gpuEvidence is taken by /attest/${[...GPU_HOST_TYPES].join(', /attest/')} only`, 'gpuEvidence');
    request.gpus = parseGpuEvidence(decodeBase64Field(body.gpuEvidence, 'gpuEvidence'));
  }
  const runtimeData = decodeData(body.runtimeData, 'runtimeData');
  if (runtimeData) request.runtimeData = runtimeData;
  const initTimeData = decodeData(body.initTimeData, 'initTimeData');
  if (initTimeData) request.initTimeData = initTimeData;
  return withNonceAndDraft(body, request);
}
