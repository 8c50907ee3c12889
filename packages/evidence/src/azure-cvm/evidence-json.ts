/**
 * Trustee's Azure vTPM evidence JSON (deps/verifier az_snp_vtpm and az_tdx_vtpm, all versions):
 *  - SEV-SNP v0: {"quote": {"signature", "message", "pcrs"} as byte lists, "report": bytes, "vcek": PEM};
 *  - SEV-SNP v1/v2: {"version", "tpm_quote": {"signature", "message": hex, "pcrs": [hex]},
 *    "hcl_report": base64url, "vcek": base64url DER} (v2 also puts the report data in the
 *    runtime data's user-data);
 *  - TDX v0: {"tpm_quote": byte lists, "hcl_report": bytes, "td_quote": bytes};
 *  - TDX v1/v2: {"version", "tpm_quote": hex, "hcl_report": base64url, "td_quote": base64url}.
 */
import { fromBase64, fromHex, isJsonObject, pemBlocks } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { readJson } from './json.js';
import { pcrListOfQuote } from '../tpm/evidence-json.js';
import { parseAzureCvmEvidence, type AzureCvmEvidence, type AzureCvmEvidenceParts } from './evidence.js';

/** Largest JSON document read (the v0 byte lists spell each byte as up to four characters). */
export const MAX_AZURE_CVM_JSON_BYTES = 1024 * 1024;

type Json = Record<string, unknown>;

function malformed(message: string, field: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `Azure CVM evidence JSON: ${message}`, { details: { field } });
}

/** A v0 byte list ([0..255, ...]). */
function byteList(v: unknown, field: string): Uint8Array {
  if (!Array.isArray(v) || !v.every((b) => Number.isInteger(b) && (b as number) >= 0 && (b as number) <= 255)) malformed(`${field} is not a list of bytes`, field);
  return Uint8Array.from(v as number[]);
}

function text(v: unknown, field: string, decode: (s: string) => Uint8Array, name: string): Uint8Array {
  if (typeof v !== 'string') malformed(`${field} is not a ${name} string`, field);
  try {
    return decode(v);
  } catch {
    malformed(`${field} is not ${name}`, field);
  }
}

/**
 * A vTPM quote as Trustee writes it, {"signature", "message", "pcrs": [from PCR 0]}: byte lists
 * (v0) or hex (v1, v2, and Trustee's tpm-quote JSON files). Throws ERR_EVIDENCE_MALFORMED.
 */
export function readTpmQuote(value: unknown, field: string, byteLists: boolean): AzureCvmEvidenceParts['tpmQuote'] {
  if (!isJsonObject(value)) malformed(`${field} is not an object`, field);
  const bytes = (name: string, v: unknown) => (byteLists ? byteList(v, `${field}.${name}`) : text(v, `${field}.${name}`, fromHex, 'hex'));
  const message = bytes('message', value['message']);
  const pcrList = value['pcrs'];
  if (!Array.isArray(pcrList)) malformed(`${field}.pcrs is not a list`, `${field}.pcrs`);
  const pcrs = pcrList.map((p, i) => bytes(`pcrs[${i}]`, p));
  return { quote: message, signature: bytes('signature', value['signature']), pcrs: pcrListOfQuote(message, pcrs, `${field}.message`) };
}

/** Which of Trustee's Azure shapes `doc` is, if any. */
export function azureCvmJsonShape(doc: unknown): 'snp-v0' | 'tdx-v0' | 'v1' | undefined {
  if (!isJsonObject(doc)) return undefined;
  if (isJsonObject(doc['quote']) && 'report' in doc && 'vcek' in doc) return 'snp-v0';
  if (!isJsonObject(doc['tpm_quote']) || !('hcl_report' in doc)) return undefined;
  return doc['version'] === undefined ? 'tdx-v0' : 'v1';
}

function vcekCertificates(v: unknown, field: string, v0: boolean): Uint8Array[] {
  if (v0) {
    if (typeof v !== 'string') malformed(`${field} is not PEM text`, field);
    const blocks = pemBlocks(v, (message) => new EvidenceError('ERR_EVIDENCE_MALFORMED', `${field}: ${message}`, { details: { field } }));
    return blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => b.der);
  }
  return [text(v, field, fromBase64, 'base64url')];
}

/** The parts of Trustee's Azure evidence JSON. Throws ERR_EVIDENCE_MALFORMED, ERR_LIMIT_EXCEEDED, ERR_EVIDENCE_UNSUPPORTED (a version other than 1 or 2). */
export function azureCvmPartsFromJson(bytes: Uint8Array): AzureCvmEvidenceParts {
  if (bytes.length > MAX_AZURE_CVM_JSON_BYTES) malformed(`${bytes.length} bytes, more than ${MAX_AZURE_CVM_JSON_BYTES}`, 'size');
  const doc = readJson(bytes, 'Azure CVM evidence JSON', 'json');
  const shape = azureCvmJsonShape(doc);
  if (!shape) malformed('neither Trustee\'s az-snp-vtpm {"quote", "report", "vcek"} / {"version", "tpm_quote", "hcl_report", "vcek"} nor az-tdx-vtpm {"tpm_quote", "hcl_report", "td_quote"}', 'json');
  const d = doc as Json;
  const v0 = shape !== 'v1';
  if (!v0 && d['version'] !== 1 && d['version'] !== 2) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `Azure CVM evidence JSON: version ${JSON.stringify(d['version'])}; 1 and 2 are known`, { details: { field: 'version' } });
  }
  const qName = shape === 'snp-v0' ? 'quote' : 'tpm_quote';
  const tpmQuote = readTpmQuote(d[qName], qName, v0);
  const hclField = shape === 'snp-v0' ? 'report' : 'hcl_report';
  const hclReport = v0 ? byteList(d[hclField], hclField) : text(d[hclField], hclField, fromBase64, 'base64url');
  return {
    hclReport,
    tpmQuote,
    vekCertificates: d['vcek'] === undefined ? undefined : vcekCertificates(d['vcek'], 'vcek', v0),
    tdQuote: d['td_quote'] === undefined ? undefined : v0 ? byteList(d['td_quote'], 'td_quote') : text(d['td_quote'], 'td_quote', fromBase64, 'base64url'),
  };
}

/** Parses Trustee's Azure evidence JSON. Throws as azureCvmPartsFromJson and parseAzureCvmEvidence. */
export function parseAzureCvmEvidenceJson(bytes: Uint8Array): AzureCvmEvidence {
  return parseAzureCvmEvidence(azureCvmPartsFromJson(bytes));
}
