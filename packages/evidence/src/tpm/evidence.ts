/**
 * TPM evidence as Confide verifies it: one or more quotes (TPMS_ATTEST and TPMT_SIGNATURE) by
 * one attestation key, the PCR values they cover, and optionally the TCG event log, the AK
 * certificate chain and the AK's own creation certification. `parseTpmEvidence` turns the raw
 * parts into a view that keeps every signed byte.
 */
import { EvidenceError } from '../errors.js';
import { parseTpmsAttest, type TpmCreationAttest, type TpmQuoteAttest } from './attest.js';
import { parseTpmCertificate, type TpmCertificate } from './certificate.js';
import { parseTcgEventLog, type TcgEventLog } from './event-log/parse.js';
import { readPcrBanks, type TpmPcrBanks, type TpmPcrInput } from './pcr-values.js';
import { keyBytes, parseTpmPublicKey, type TpmPublicKey } from './public-key.js';
import { parseTpmtSignature, type TpmSignature } from './signature.js';

/** Most quotes one piece of evidence may carry (one per bank is the usual case). */
export const MAX_TPM_QUOTES = 8;
/** Most certificates in an AK chain. */
export const MAX_AK_CERTIFICATES = 8;

/** The raw parts of TPM evidence. */
export interface TpmEvidenceParts {
  quotes: ReadonlyArray<{ quote: Uint8Array; signature: Uint8Array }>;
  /** TPMT_PUBLIC, TPM2B_PUBLIC, DER SubjectPublicKeyInfo or PEM. */
  ak: Uint8Array;
  /** PCR values by bank ("sha256": {"0": "hex", ...}), or already read. */
  pcrs: TpmPcrInput | TpmPcrBanks;
  eventLog?: Uint8Array | undefined;
  /** DER certificates: the AK certificate first, then intermediates. */
  akCertificates?: readonly Uint8Array[] | undefined;
  /** TPM2_CertifyCreation of the AK by itself, and the TPMT_PUBLIC creation data it hashes (go-attestation's AK parameters). */
  akCreation?: { attestation: Uint8Array; signature: Uint8Array; data?: Uint8Array | undefined } | undefined;
}

export interface TpmQuote {
  attest: TpmQuoteAttest;
  signature: TpmSignature;
}

/** Parsed TPM evidence: what the TPM verifier verifies. */
export interface TpmEvidence {
  quotes: TpmQuote[];
  ak: TpmPublicKey;
  /** The AK's bytes as given (the key's own bytes when it was given already read). */
  akRaw: Uint8Array;
  pcrs: TpmPcrBanks;
  eventLog: TcgEventLog | undefined;
  akCertificates: TpmCertificate[];
  akCreation: { attest: TpmCreationAttest; signature: TpmSignature; data: Uint8Array | undefined } | undefined;
}

function malformed(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `TPM evidence: ${message}`);
}

/**
 * Parses the parts of TPM evidence. Throws ERR_EVIDENCE_MALFORMED (a part that does not parse, no
 * quote, too many quotes or certificates, a quote that is not TPM_ST_ATTEST_QUOTE) and
 * ERR_EVIDENCE_UNSUPPORTED (an algorithm Confide does not verify).
 */
export function parseTpmEvidence(parts: TpmEvidenceParts): TpmEvidence {
  return parseTpmEvidenceWithKey(parts, parseTpmPublicKey(parts.ak), parts.ak);
}

/**
 * Parses TPM evidence whose attestation key was read elsewhere (an Azure HCL report's runtime
 * data gives it as a JWK); `akRaw` defaults to the key's own bytes. Throws as parseTpmEvidence.
 */
export function parseTpmEvidenceWithKey(parts: Omit<TpmEvidenceParts, 'ak'>, ak: TpmPublicKey, akRaw: Uint8Array = keyBytes(ak)): TpmEvidence {
  if (parts.quotes.length === 0) malformed('no quote');
  if (parts.quotes.length > MAX_TPM_QUOTES) malformed(`${parts.quotes.length} quotes, more than ${MAX_TPM_QUOTES}`);
  const certs = parts.akCertificates ?? [];
  if (certs.length > MAX_AK_CERTIFICATES) malformed(`${certs.length} AK certificates, more than ${MAX_AK_CERTIFICATES}`);
  const quotes = parts.quotes.map((q, i): TpmQuote => {
    const attest = parseTpmsAttest(q.quote, `quote ${i + 1} TPMS_ATTEST`);
    if (attest.type !== 'quote') malformed(`quote ${i + 1} is a ${attest.type} certification, not a quote`);
    return { attest, signature: parseTpmtSignature(q.signature, `quote ${i + 1} TPMT_SIGNATURE`) };
  });
  let akCreation: TpmEvidence['akCreation'];
  if (parts.akCreation) {
    const attest = parseTpmsAttest(parts.akCreation.attestation, 'AK creation TPMS_ATTEST');
    if (attest.type !== 'creation') malformed(`the AK creation attestation is a ${attest.type === 'quote' ? 'quote' : 'key certification'}, not a creation certification`);
    akCreation = { attest, signature: parseTpmtSignature(parts.akCreation.signature, 'AK creation TPMT_SIGNATURE'), data: parts.akCreation.data };
  }
  return {
    quotes,
    ak,
    akRaw,
    pcrs: parts.pcrs instanceof Map ? parts.pcrs : readPcrBanks(parts.pcrs),
    eventLog: parts.eventLog ? parseTcgEventLog(parts.eventLog) : undefined,
    akCertificates: certs.map((der) => parseTpmCertificate(der)),
    akCreation,
  };
}
