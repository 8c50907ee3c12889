/**
 * The one contract every evidence verifier follows: `parse(bytes)` returns a typed view that
 * keeps the raw bytes and the exact signed ranges; `verify(view, ctx)` returns normalized
 * claims. A verifier throws (ConfideError, ERR_EVIDENCE_* / ERR_COLLATERAL_*) only when the
 * evidence is not authentic; an old TCB or expired collateral comes back as claims.
 */
import type { Clock } from '@confide/core';
import type { CollateralProvider } from './collateral/types.js';
import type { SyncDigestName } from './hash/digest-name.js';
import type { VerifyCache } from './memo/verify-cache.js';
import type { Claims, TeeType } from './claims.js';
import type { VerifyTrace } from './trace/verify-trace.js';

export type * from './claims.js';
export type { SyncDigestName };

/** Trust anchors that replace the pinned vendor roots (tests, private PKIs). Production refuses overrides. */
export interface TrustAnchors {
  /** DER certificates whose public keys are accepted as the Intel SGX Root CA. */
  intelRoots?: Uint8Array[];
  /** DER ARK certificates for AMD, accepted for any product whose name matches the subject CN (ARK-Milan, ...). */
  amdRoots?: Uint8Array[];
  /** DER certificates whose public keys are accepted as the NVIDIA Device Identity CA. */
  nvidiaRoots?: Uint8Array[];
  /**
   * DER root certificates an attestation-key certificate chain must end at (a cloud's AK CA, a
   * TPM maker's EK CA). None is pinned by default: which AK CAs to trust is the relying party's choice.
   */
  tpmRoots?: Uint8Array[];
}

/** Everything a verifier does not own. */
export interface VerifyContext {
  /** The verification time. */
  clock: Clock;
  /** Where TCB Info, QE Identity, CRLs and VCEK/VLEK certificates come from. */
  collateral: CollateralProvider;
  /**
   * Expected report data. It must equal the leading bytes of the evidence's report data
   * (1..64 bytes); a mismatch throws ERR_EVIDENCE_BINDING_MISMATCH.
   */
  expectedReportData?: Uint8Array;
  /**
   * The nonce the verifier sent: an NVIDIA GPU or NVSwitch's SPDM request nonce (32 bytes), or a
   * TPM quote's extraData, which must equal it whole. Compared in constant time; a mismatch
   * throws ERR_EVIDENCE_BINDING_MISMATCH. Other TEEs bind their report data (expectedReportData):
   * an expected nonce with their evidence is ERR_USAGE in verifyEvidence.
   */
  expectedNonce?: Uint8Array;
  /** NVIDIA: the device certificate chain (DER, leaf first) of a raw report that does not carry its own. */
  deviceCertificates?: readonly Uint8Array[];
  /** Replaces the pinned vendor roots. */
  trustAnchors?: TrustAnchors;
  /**
   * Public keys (CryptoKey or SPKI DER) of the simulation keys whose simulated evidence is
   * accepted. Without one, simulated evidence throws ERR_EVIDENCE_UNTRUSTED_ROOT; production never gives one.
   */
  simulationKeys?: ReadonlyArray<CryptoKey | Uint8Array>;
  /** Replaces WebCrypto for the primitives below (Node passes node:crypto, which costs the event loop less). */
  crypto?: VerifyCrypto;
  /**
   * Where parsed collateral, imported keys and verified signatures are remembered across
   * verifications; verdicts are kept per `crypto` implementation. Default: one shared instance.
   */
  cache?: VerifyCache;
  /**
   * Records what each check did, as it runs (TraceCollector). Intel SGX/TDX and SEV-SNP record
   * their steps; other TEEs record the parse and the verdict. Absent, nothing is recorded or built.
   */
  trace?: VerifyTrace;
}

/**
 * Crypto primitives a runtime may supply in place of WebCrypto. Each must compute exactly what
 * its WebCrypto twin computes; verifiers fall back to WebCrypto when none is given.
 */
export interface VerifyCrypto {
  /** SHA-256 of `data`. */
  sha256(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /**
   * ECDSA P-256 / SHA-256: true when `signature` (raw r||s, 64 bytes) over `data` verifies under
   * `point` (uncompressed, 65 bytes); false for a bad signature or an unusable key, never a rejection.
   */
  verifyP256(point: Uint8Array, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
  /**
   * A synchronous SHA-1/256/384/512 of `data`, for chains of short hashes that each wait for the
   * one before (a PCR replay). Without it, @noble/hashes computes them in plain JavaScript.
   */
  digestSync?: (name: SyncDigestName, data: Uint8Array) => Uint8Array;
  /**
   * RSA verification as WebCrypto's RSASSA-PKCS1-v1_5 or RSA-PSS (with exactly `saltLength`):
   * true when `signature` over `data` verifies under the key; false for a bad signature, one not
   * exactly as long as the modulus (RFC 8017 8.1.2 and 8.2.2, step 1, which WebCrypto on Node does
   * not check for PSS), or an unusable key, never a rejection. Without it, WebCrypto checks.
   */
  verifyRsa?: (key: RsaPublicKey, params: RsaVerifyParams, signature: Uint8Array, data: Uint8Array) => Promise<boolean>;
}

/** An RSA public key: modulus and public exponent, big-endian without leading zeros. */
export interface RsaPublicKey {
  n: Uint8Array;
  e: Uint8Array;
}

/** An RSA signature scheme as WebCrypto names it. */
export type RsaVerifyParams =
  | { name: 'RSASSA-PKCS1-v1_5'; hash: SyncDigestName }
  | { name: 'RSA-PSS'; hash: SyncDigestName; saltLength: number };

/** One verifier per TEE behind one interface. */
export interface EvidenceVerifier<View> {
  readonly tee: TeeType;
  /** Parses bytes into a view that keeps the raw bytes. Throws ERR_EVIDENCE_MALFORMED / ERR_EVIDENCE_UNSUPPORTED. */
  parse(bytes: Uint8Array): View;
  /** Verifies a parsed view. Throws only when the evidence is not authentic. */
  verify(view: View, ctx: VerifyContext): Promise<Claims>;
}
