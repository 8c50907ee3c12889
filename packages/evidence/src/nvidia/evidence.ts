/**
 * NVIDIA device evidence as it travels: the raw report (binary), or one JSON entry as NVIDIA's
 * attestation SDK and PPCIe tools write it, `{ "evidence": base64 report, "certificate":
 * base64 of the PEM chain, "arch", "nonce", ... }`. The entry's own `nonce` and `arch` are not
 * signed and are never trusted: the verifier's nonce comes from the caller.
 */
import { assertJsonDepth, fromBase64, fromUtf8, isConfideError } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { nvidiaChainFromPem } from './certificate.js';
import { parseNvidiaReport, type NvidiaReport } from './report.js';

/** What NVIDIA's verifier is handed: a report and, when the evidence carries it, the device chain. */
export interface NvidiaEvidence {
  report: NvidiaReport;
  /** DER certificates, leaf first; absent for a raw report (then VerifyContext.deviceCertificates). */
  certificates?: Uint8Array[];
  /** The entry's `arch` ("HOPPER", "LS10"), as given: unauthenticated. */
  arch?: string;
}

/** The JSON entry, before decoding. */
export interface NvidiaEvidenceEntry {
  evidence: string;
  certificate: string;
  arch?: string;
  nonce?: string;
}

/** Largest JSON evidence accepted: a report is about 4 KiB and a chain about 5 KiB per device. */
export const MAX_NVIDIA_JSON_BYTES = 4 * 1024 * 1024;

function malformed(message: string, cause?: unknown): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `NVIDIA evidence JSON: ${message}`, cause === undefined ? undefined : { cause });
}

function base64Field(entry: Record<string, unknown>, name: string, at: string): Uint8Array {
  const value = entry[name];
  if (typeof value !== 'string' || value.length === 0) malformed(`${at}"${name}" is not a base64 string`);
  try {
    return fromBase64(value);
  } catch (err) {
    if (isConfideError(err)) malformed(`${at}"${name}" is not base64`, err);
    throw err;
  }
}

/** Whether `value` has the shape of an NVIDIA evidence entry (an object with `evidence` and `certificate`). */
export function isNvidiaEvidenceEntry(value: unknown): value is NvidiaEvidenceEntry {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'evidence' in value && 'certificate' in value;
}

/** Decodes one entry. `at` prefixes error messages ("entry 3: "). Throws ERR_EVIDENCE_MALFORMED, and what the report parser throws. */
export function nvidiaEvidenceFromEntry(entry: unknown, at = ''): NvidiaEvidence {
  if (!isNvidiaEvidenceEntry(entry)) malformed(`${at}not an object with "evidence" and "certificate"`);
  const fields = entry as unknown as Record<string, unknown>;
  const report = parseNvidiaReport(base64Field(fields, 'evidence', at));
  const chainBytes = base64Field(fields, 'certificate', at);
  const certificates = nvidiaChainFromPem(fromUtf8(chainBytes));
  const arch = typeof fields['arch'] === 'string' ? fields['arch'] : undefined;
  return { report, certificates, ...(arch !== undefined ? { arch } : {}) };
}

/** Parses JSON text (an entry or a list of entries) with size and depth limits. Throws ERR_EVIDENCE_MALFORMED. */
export function parseNvidiaJson(bytes: Uint8Array): unknown {
  if (bytes.length > MAX_NVIDIA_JSON_BYTES) malformed(`${bytes.length} bytes is above the ${MAX_NVIDIA_JSON_BYTES}-byte limit`);
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch (err) {
    malformed('not valid JSON', err);
  }
  try {
    assertJsonDepth(value, 'nvidiaEvidenceDepth', 'NVIDIA evidence JSON', 8);
  } catch (err) {
    malformed('nested too deeply', err);
  }
  return value;
}

function startsWithJson(bytes: Uint8Array, open: number): boolean {
  for (const c of bytes) {
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === open;
  }
  return false;
}

/**
 * Parses NVIDIA evidence bytes: a raw binary report, or one JSON entry. Throws
 * ERR_EVIDENCE_MALFORMED (and ERR_EVIDENCE_UNSUPPORTED from the report parser); a JSON list
 * is ERR_EVIDENCE_UNSUPPORTED here (verifyNvidiaEvidenceList takes lists).
 */
export function parseNvidiaEvidence(bytes: Uint8Array): NvidiaEvidence {
  if (startsWithJson(bytes, 0x7b /* { */)) return nvidiaEvidenceFromEntry(parseNvidiaJson(bytes));
  if (startsWithJson(bytes, 0x5b /* [ */)) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', 'NVIDIA evidence: a JSON list of devices is verified with verifyNvidiaEvidenceList (confide verify takes it as it is)');
  }
  return { report: parseNvidiaReport(bytes) };
}
