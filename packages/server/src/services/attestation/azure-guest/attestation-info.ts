/**
 * `POST /attest/AzureGuest`'s body as Azure's guest attestation client sends it (api-version
 * 2020-10-01 and later; client library `AttestationParameters`, cvm-attestation-tools
 * `GuestAttestationParameters`): `{"AttestationInfo": base64url(JSON)}` where the JSON holds
 * `AttestationProtocolVersion`, the OS description (`OSType`, `OSDistro`, `OSBuild` base64;
 * `OSVersionMajor`/`Minor`), `TcgLogs` (base64 TCG log), `ClientPayload`, `TpmInfo` (`AikCert`,
 * `AikPub`, `PcrQuote`, `PcrSignature`, `PcrSet`, `PCRs` [{Index, Digest}], and the encryption
 * key `EncKeyPub`, `EncKeyCertifyInfo`, `EncKeyCertifyInfoSignature`) and `IsolationInfo`
 * (`Type` "SevSnp" with `Evidence.Proof` = base64url(JSON {SnpReport, VcekCertChain}), or "Tdx"
 * with `Proof` = the TD quote; `RunTimeData` = the HCL runtime data). Every failure is a 400
 * naming the field.
 */
import { assertJsonDepth, type ConfideError, fromBase64, fromUtf8, isJsonObject, pemBlocks, toHex } from '@confide/core';
import type { AzureCvmEvidenceParts, TpmEncryptionKeyParts } from '@confide/evidence';
import { ServerError } from '../../../errors/index.js';

/** Largest AttestationInfo taken (TCG logs of a few hundred kilobytes, base64 twice). */
export const MAX_ATTESTATION_INFO_BYTES = 4 * 1024 * 1024;

/** What the guest says of itself: issued as MAA issues it, vouched for by nothing. */
export interface GuestOs {
  type?: string;
  distro?: string;
  build?: string;
  versionMajor?: string;
  versionMinor?: string;
}

export interface GuestAttestationInfo {
  protocolVersion: string;
  isolation: 'SevSnp' | 'Tdx';
  evidence: AzureCvmEvidenceParts;
  /** TpmInfo.AikPub: must be the runtime data's HCLAkPub. */
  aikPub: Uint8Array | undefined;
  encryptionKey: TpmEncryptionKeyParts | undefined;
  os: GuestOs;
  /** ClientPayload: the guest's own claims (a JSON object), echoed in `x-ms-runtime.client-payload`. */
  clientPayload: Record<string, unknown>;
}

function invalid(message: string, field: string): ConfideError {
  return new ServerError('ERR_VALIDATION', `AttestationInfo: ${message}`, { details: { field: `AttestationInfo.${field}` } });
}

function b64(v: unknown, field: string): Uint8Array {
  if (typeof v !== 'string') throw invalid(`${field} must be a base64 string`, field);
  try {
    return fromBase64(v);
  } catch {
    throw invalid(`${field} is not base64`, field);
  }
}

function optionalB64(v: unknown, field: string): Uint8Array | undefined {
  return v === undefined || v === null || v === '' ? undefined : b64(v, field);
}

function text(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${field} must be a string`, field);
  return v;
}

function json(bytes: Uint8Array, field: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(fromUtf8(bytes));
  } catch {
    throw invalid(`${field} is not UTF-8 JSON`, field);
  }
  assertJsonDepth(doc, 'json.maxDepth', `AttestationInfo.${field}`);
  return doc;
}

/** The PCR values: [{Index, Digest}] in the quote's bank (SHA-256 on Azure), as the quote's selection will be checked against them. */
function pcrValues(v: unknown): Record<string, string> {
  if (!Array.isArray(v)) throw invalid('TpmInfo.PCRs must be a list of {Index, Digest}', 'TpmInfo.PCRs');
  const out: Record<string, string> = {};
  v.forEach((p, i) => {
    if (!isJsonObject(p) || typeof p['Index'] !== 'number' || !Number.isInteger(p['Index'])) throw invalid(`TpmInfo.PCRs[${i}] is not {Index, Digest}`, `TpmInfo.PCRs[${i}]`);
    out[String(p['Index'])] = toHex(b64(p['Digest'], `TpmInfo.PCRs[${i}].Digest`));
  });
  return out;
}

function isolationParts(v: unknown): { isolation: 'SevSnp' | 'Tdx'; parts: Omit<AzureCvmEvidenceParts, 'tpmQuote'> } {
  if (!isJsonObject(v) || !isJsonObject(v['Evidence'])) throw invalid('IsolationInfo must be {Type, Evidence: {Proof, RunTimeData}}', 'IsolationInfo');
  const evidence = v['Evidence'];
  const runtimeData = b64(evidence['RunTimeData'], 'IsolationInfo.Evidence.RunTimeData');
  const proof = b64(evidence['Proof'], 'IsolationInfo.Evidence.Proof');
  if (v['Type'] === 'Tdx') return { isolation: 'Tdx', parts: { tdQuote: proof, runtimeData } };
  if (v['Type'] !== 'SevSnp') {
    throw new ServerError('ERR_EVIDENCE_UNSUPPORTED', `AttestationInfo: IsolationInfo.Type ${JSON.stringify(v['Type'])}: only confidential VMs (SevSnp, Tdx) are attested here`, {
      details: { field: 'AttestationInfo.IsolationInfo.Type' },
    });
  }
  const envelope = json(proof, 'IsolationInfo.Evidence.Proof');
  if (!isJsonObject(envelope)) throw invalid('IsolationInfo.Evidence.Proof must be {SnpReport, VcekCertChain}', 'IsolationInfo.Evidence.Proof');
  const snpReport = b64(envelope['SnpReport'], 'IsolationInfo.Evidence.Proof.SnpReport');
  const chain = optionalB64(envelope['VcekCertChain'], 'IsolationInfo.Evidence.Proof.VcekCertChain');
  const vekCertificates = chain
    ? pemBlocks(fromUtf8(chain), (message) => invalid(`VcekCertChain: ${message}`, 'IsolationInfo.Evidence.Proof.VcekCertChain'))
        .filter((b) => b.label === 'CERTIFICATE')
        .map((b) => b.der)
    : undefined;
  return { isolation: 'SevSnp', parts: { snpReport, runtimeData, ...(vekCertificates ? { vekCertificates } : {}) } };
}

/** Decodes the AttestationInfo field. Throws ERR_VALIDATION (naming the field), ERR_EVIDENCE_UNSUPPORTED (a trusted-launch VM), ERR_LIMIT_EXCEEDED. */
export function parseAttestationInfo(value: unknown): GuestAttestationInfo {
  const raw = b64(value, '(field)');
  if (raw.length > MAX_ATTESTATION_INFO_BYTES) throw new ServerError('ERR_VALIDATION', `AttestationInfo is ${raw.length} bytes, more than ${MAX_ATTESTATION_INFO_BYTES}`, { details: { field: 'AttestationInfo' } });
  const doc = json(raw, '(field)');
  if (!isJsonObject(doc)) throw invalid('must be a JSON object', '(field)');
  const tpm = doc['TpmInfo'];
  if (!isJsonObject(tpm)) throw invalid('TpmInfo is required', 'TpmInfo');
  const { isolation, parts } = isolationParts(doc['IsolationInfo']);
  const encKeyPub = optionalB64(tpm['EncKeyPub'], 'TpmInfo.EncKeyPub');
  const payload = doc['ClientPayload'];
  // The C++ client sends base64 of a JSON object (often of ""), the Python one the object itself.
  const clientPayload = isJsonObject(payload) ? payload : typeof payload === 'string' && payload !== '' ? json(b64(payload, 'ClientPayload'), 'ClientPayload') : {};
  const log = optionalB64(doc['TcgLogs'], 'TcgLogs');
  const decoded = (v: unknown, field: string) => {
    const bytes = optionalB64(v, field);
    return bytes ? fromUtf8(bytes) : undefined;
  };
  const os: GuestOs = {};
  const put = (key: keyof GuestOs, v: string | undefined) => {
    if (v !== undefined) os[key] = v;
  };
  put('type', decoded(doc['OSType'], 'OSType'));
  put('distro', decoded(doc['OSDistro'], 'OSDistro'));
  put('build', decoded(doc['OSBuild'], 'OSBuild'));
  put('versionMajor', text(doc['OSVersionMajor'], 'OSVersionMajor'));
  put('versionMinor', text(doc['OSVersionMinor'], 'OSVersionMinor'));
  return {
    protocolVersion: text(doc['AttestationProtocolVersion'], 'AttestationProtocolVersion') ?? '',
    isolation,
    evidence: {
      ...parts,
      tpmQuote: { quote: b64(tpm['PcrQuote'], 'TpmInfo.PcrQuote'), signature: b64(tpm['PcrSignature'], 'TpmInfo.PcrSignature'), pcrs: { sha256: pcrValues(tpm['PCRs']) } },
      ...(log ? { eventLog: log } : {}),
    },
    aikPub: optionalB64(tpm['AikPub'], 'TpmInfo.AikPub'),
    encryptionKey: encKeyPub
      ? { publicArea: encKeyPub, certifyInfo: b64(tpm['EncKeyCertifyInfo'], 'TpmInfo.EncKeyCertifyInfo'), signature: b64(tpm['EncKeyCertifyInfoSignature'], 'TpmInfo.EncKeyCertifyInfoSignature') }
      : undefined,
    os,
    clientPayload: isJsonObject(clientPayload) ? clientPayload : {},
  };
}
