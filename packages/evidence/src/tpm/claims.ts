/** The shape of `TpmClaims.tpm`: what a verified TPM quote (and its event log) says. Bytes are lower-case hex. */
import type { TpmBank } from './algorithms.js';
import type { TcgEventLogDecoded } from './event-log/claims.js';

/** One verified quote. */
export interface TpmQuoteClaims {
  /** The signature scheme and hash, e.g. "rsassa-sha256". */
  signature: string;
  /** The PCRs the quote covers, by bank. */
  selection: Partial<Record<TpmBank, number[]>>;
  pcrDigest: string;
  /** TPMS_CLOCK_INFO: clock (milliseconds, decimal string: a u64), reset and restart counts, safe flag. */
  clock: string;
  resetCount: number;
  restartCount: number;
  safe: boolean;
}

export interface TpmAkClaims {
  /** "rsa-2048", "ecc-p256", ... */
  type: string;
  /** How the AK was given: "tpmt-public", "tpm2b-public" or "spki". */
  format: string;
  /** SHA-256 of the AK's SubjectPublicKeyInfo-independent key bytes, lower-case hex: an id for policy. */
  keyId: string;
  /**
   * From TPMT_PUBLIC (absent for an SPKI): the AK may only sign TPM-generated data, lives in this
   * TPM only, and signs. The quote does not sign these: they are bound to the TPM only through
   * the AK's name (a creation certification, or a policy that pins the name).
   */
  restricted?: boolean;
  fixedTpm?: boolean;
  sign?: boolean;
  /** The key's name (nameAlg || H(TPMT_PUBLIC)), when given as TPMT_PUBLIC. */
  name?: string;
  /** True when an AK certificate chained to a configured TPM root. */
  certified: boolean;
  /** The chain's subjects, AK certificate first ("" for an empty subject). */
  chain?: string[];
  /** True when a TPM2_CertifyCreation of the AK, signed by itself, was given and verified. */
  creationVerified?: boolean;
}

/** What the event log adds: the replay, then the decoded claims. */
export interface TpmEventLogClaims extends TcgEventLogDecoded {
  format: 'sha1' | 'crypto-agile';
  banks: TpmBank[];
  eventCount: number;
  /** PCRs whose replay equals the quoted value, by bank. */
  replayed: Partial<Record<TpmBank, number[]>>;
  /** PCRs the log extends that no quote covers: their events are not authenticated and give no claims. */
  unverifiedPcrs: number[];
}

export interface TpmDetails {
  /** extraData, the caller's nonce. */
  nonce: string;
  /** TPMS_ATTEST firmwareVersion, 16 hex digits. */
  firmwareVersion: string;
  qualifiedSigner: string;
  quotes: TpmQuoteClaims[];
  /** The quoted PCR values by bank and index. Only PCRs some quote covers are here. */
  pcrs: Partial<Record<TpmBank, Record<string, string>>>;
  ak: TpmAkClaims;
  eventLog?: TpmEventLogClaims;
}
