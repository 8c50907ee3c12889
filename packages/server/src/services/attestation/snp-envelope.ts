/**
 * The SevSnpVm `report` field: base64url of a JSON object
 * `{ "SnpReport": b64url(1184-byte report), "VcekCertChain": b64url(PEM chain), "Endorsements"?: b64url(JSON) }`
 * (the format the Microsoft confidential sidecar sends). A raw report is accepted too.
 */
import { ConfideError, fromBase64, fromUtf8 } from '@confide/core';
import { ServerError } from '../../errors/index.js';

const SNP_REPORT_BYTES = 1184; // AMD SEV-SNP ABI, ATTESTATION_REPORT (Table 23)

export interface SnpEnvelope {
  report: Uint8Array;
  vcekChainPem?: string;
  endorsements?: unknown;
}

function malformed(message: string): ConfideError {
  return new ServerError('ERR_EVIDENCE_MALFORMED', `SevSnpVm report: ${message}`, { details: { field: 'report' } });
}

function b64(value: unknown, name: string): Uint8Array {
  if (typeof value !== 'string') throw malformed(`${name} must be a base64url string`);
  try {
    return fromBase64(value);
  } catch {
    throw malformed(`${name} is not base64url`);
  }
}

/** Decodes the envelope. Throws ERR_EVIDENCE_MALFORMED. */
export function decodeSnpEnvelope(bytes: Uint8Array): SnpEnvelope {
  // A bare report (not the documented envelope) is taken as it is: leniency costs nothing here.
  if (bytes.length === SNP_REPORT_BYTES) return { report: bytes };
  let o: unknown;
  try {
    o = JSON.parse(fromUtf8(bytes));
  } catch {
    throw malformed('expected base64url of a JSON object { SnpReport, VcekCertChain, Endorsements? } or of a 1184-byte report');
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw malformed('the envelope must be a JSON object');
  const env = o as Record<string, unknown>;
  const report = b64(env['SnpReport'], 'SnpReport');
  if (report.length !== SNP_REPORT_BYTES) throw malformed(`SnpReport is ${report.length} bytes, expected ${SNP_REPORT_BYTES}`);
  const out: SnpEnvelope = { report };
  if (env['VcekCertChain'] !== undefined && env['VcekCertChain'] !== null) out.vcekChainPem = fromUtf8(b64(env['VcekCertChain'], 'VcekCertChain'));
  if (env['Endorsements'] !== undefined && env['Endorsements'] !== null) {
    try {
      out.endorsements = JSON.parse(fromUtf8(b64(env['Endorsements'], 'Endorsements')));
    } catch (err) {
      if (err instanceof ConfideError) throw err;
      throw malformed('Endorsements is not base64url of JSON');
    }
  }
  return out;
}
