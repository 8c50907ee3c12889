/**
 * TPM evidence as one JSON document, in the three shapes the field uses:
 *  - Confide's (docs/tpm.md): {"tpm": {"quotes": [{"quote", "signature"}], "ak", "pcrs": {bank: {index: hex}},
 *    "eventLog"?, "akCertificates"?: [], "akCreation"?: {"attestation", "signature", "data"?}}}, bytes in base64;
 *  - Trustee's TPM verifier evidence: {"ak_public" (SPKI), "tpm_quote": {"message", "signature", "pcrs": [hex]}};
 *  - go-attestation's attestation dump: {"AK": {"Public", "CreateData", "CreateAttestation",
 *    "CreateSignature"}, "Quote": {"Quote", "Signature"}, "Log": {"PCRs": [{"Index", "Digest", "DigestAlg"}], "Raw"}}.
 */
import { assertJsonDepth, fromBase64, fromUtf8, isJsonObject, toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { TpmBank } from './algorithms.js';
import { parseTpmsAttest } from './attest.js';
import { parseTpmEvidence, type TpmEvidence, type TpmEvidenceParts } from './evidence.js';
import type { TpmPcrInput } from './pcr-values.js';

/** Largest JSON document read (an event log of a few hundred kilobytes, base64). */
export const MAX_TPM_JSON_BYTES = 8 * 1024 * 1024;
/** Go's crypto.Hash numbers, as go-attestation writes a PCR's DigestAlg. */
const GO_CRYPTO_HASH: Record<number, TpmBank> = { 3: 'sha1', 5: 'sha256', 6: 'sha384', 7: 'sha512' };

type Json = Record<string, unknown>;

function malformed(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `TPM evidence JSON: ${message}`);
}

function b64(v: unknown, field: string): Uint8Array {
  if (typeof v !== 'string') malformed(`${field} is not a base64 string`);
  try {
    return fromBase64(v);
  } catch {
    malformed(`${field} is not base64`);
  }
}

function optionalB64(v: unknown, field: string): Uint8Array | undefined {
  return v === undefined || v === null || v === '' ? undefined : b64(v, field);
}

function confideParts(doc: Json): TpmEvidenceParts {
  const quotes = doc['quotes'];
  if (!Array.isArray(quotes)) malformed('tpm.quotes is not an array');
  const certs = doc['akCertificates'];
  if (certs !== undefined && !Array.isArray(certs)) malformed('tpm.akCertificates is not an array');
  const creation = doc['akCreation'];
  if (creation !== undefined && !isJsonObject(creation)) malformed('tpm.akCreation is not an object');
  if (!isJsonObject(doc['pcrs'])) malformed('tpm.pcrs is not an object');
  return {
    quotes: quotes.map((q, i) => {
      if (!isJsonObject(q)) malformed(`tpm.quotes[${i}] is not an object`);
      return { quote: b64(q['quote'], `tpm.quotes[${i}].quote`), signature: b64(q['signature'], `tpm.quotes[${i}].signature`) };
    }),
    ak: b64(doc['ak'], 'tpm.ak'),
    pcrs: doc['pcrs'] as TpmPcrInput,
    eventLog: optionalB64(doc['eventLog'], 'tpm.eventLog'),
    akCertificates: certs?.map((c, i) => b64(c, `tpm.akCertificates[${i}]`)),
    akCreation: creation
      ? { attestation: b64(creation['attestation'], 'tpm.akCreation.attestation'), signature: b64(creation['signature'], 'tpm.akCreation.signature'), data: optionalB64(creation['data'], 'tpm.akCreation.data') }
      : undefined,
  };
}

/**
 * PCR values listed from PCR 0, as Trustee gives them (hex, or bytes): the quote's selection names
 * their bank. Throws ERR_EVIDENCE_MALFORMED when the quote selects other than one known bank.
 */
export function pcrListOfQuote(quote: Uint8Array, pcrs: ReadonlyArray<string | Uint8Array>, field: string): TpmPcrInput {
  const attest = parseTpmsAttest(quote, field);
  const banks = attest.type === 'quote' ? attest.pcrSelect.filter((s) => s.pcrs.length > 0) : [];
  if (banks.length !== 1 || !banks[0]!.hash) malformed(`${field}: PCRs listed from 0 can be read only for a quote of one known bank`);
  return { [banks[0]!.hash.bank]: pcrs };
}

/** Trustee lists the quoted bank's PCRs from 0; the quote's selection names the bank. */
function trusteeParts(doc: Json): TpmEvidenceParts {
  const q = doc['tpm_quote'];
  if (!isJsonObject(q)) malformed('tpm_quote is not an object');
  const quote = b64(q['message'], 'tpm_quote.message');
  const pcrs = q['pcrs'];
  if (!Array.isArray(pcrs)) malformed('tpm_quote.pcrs is not an array');
  return { quotes: [{ quote, signature: b64(q['signature'], 'tpm_quote.signature') }], ak: b64(doc['ak_public'], 'ak_public'), pcrs: pcrListOfQuote(quote, pcrs as string[], 'tpm_quote.message') };
}

function goAttestationParts(doc: Json): TpmEvidenceParts {
  const ak = doc['AK'];
  const quote = doc['Quote'];
  const log = doc['Log'];
  if (!isJsonObject(ak) || !isJsonObject(quote)) malformed('AK and Quote must be objects');
  const pcrs: Record<string, Record<string, string>> = {};
  if (isJsonObject(log) && Array.isArray(log['PCRs'])) {
    for (const [i, p] of log['PCRs'].entries()) {
      if (!isJsonObject(p) || typeof p['Index'] !== 'number' || typeof p['DigestAlg'] !== 'number') malformed(`Log.PCRs[${i}] is not {Index, Digest, DigestAlg}`);
      const bank = GO_CRYPTO_HASH[p['DigestAlg']];
      if (!bank) malformed(`Log.PCRs[${i}].DigestAlg ${p['DigestAlg']} is not SHA-1, SHA-256, SHA-384 or SHA-512`);
      (pcrs[bank] ??= {})[String(p['Index'])] = toHex(b64(p['Digest'], `Log.PCRs[${i}].Digest`));
    }
  }
  const creation = optionalB64(ak['CreateAttestation'], 'AK.CreateAttestation');
  return {
    quotes: [{ quote: b64(quote['Quote'], 'Quote.Quote'), signature: b64(quote['Signature'], 'Quote.Signature') }],
    ak: b64(ak['Public'], 'AK.Public'),
    pcrs,
    eventLog: isJsonObject(log) ? optionalB64(log['Raw'], 'Log.Raw') : undefined,
    akCreation: creation ? { attestation: creation, signature: b64(ak['CreateSignature'], 'AK.CreateSignature'), data: optionalB64(ak['CreateData'], 'AK.CreateData') } : undefined,
  };
}

/** Which of the three shapes `doc` is, if any. */
export function tpmJsonShape(doc: unknown): 'confide' | 'trustee' | 'go-attestation' | undefined {
  if (!isJsonObject(doc)) return undefined;
  if (isJsonObject(doc['tpm'])) return 'confide';
  if ('ak_public' in doc && 'tpm_quote' in doc) return 'trustee';
  if (isJsonObject(doc['AK']) && isJsonObject(doc['Quote'])) return 'go-attestation';
  return undefined;
}

/** The parts of TPM evidence in a JSON document of any of the three shapes. Throws ERR_EVIDENCE_MALFORMED, ERR_LIMIT_EXCEEDED. */
export function tpmPartsFromJson(bytes: Uint8Array): TpmEvidenceParts {
  if (bytes.length > MAX_TPM_JSON_BYTES) malformed(`${bytes.length} bytes, more than ${MAX_TPM_JSON_BYTES}`);
  let doc: unknown;
  try {
    doc = JSON.parse(fromUtf8(bytes));
  } catch {
    malformed('not JSON');
  }
  assertJsonDepth(doc, 'MAX_JSON_DEPTH', 'TPM evidence JSON');
  switch (tpmJsonShape(doc)) {
    case 'confide':
      return confideParts((doc as Json)['tpm'] as Json);
    case 'trustee':
      return trusteeParts(doc as Json);
    case 'go-attestation':
      return goAttestationParts(doc as Json);
    default:
      malformed('neither Confide\'s {"tpm": ...}, Trustee\'s {"ak_public", "tpm_quote"} nor go-attestation\'s {"AK", "Quote"}');
  }
}

/** Parses TPM evidence from a JSON document. Throws as tpmPartsFromJson and parseTpmEvidence. */
export function parseTpmEvidenceJson(bytes: Uint8Array): TpmEvidence {
  return parseTpmEvidence(tpmPartsFromJson(bytes));
}
