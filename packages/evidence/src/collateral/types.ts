/**
 * Collateral: what a verifier needs besides the evidence. Providers are injected, so that
 * verification runs offline at a pinned time; an online provider fetches Intel PCS / AMD KDS.
 */

/** A signed Intel collateral document with the exact bytes that were signed. */
export interface SignedJson {
  /** The exact bytes of the `tcbInfo` / `enclaveIdentity` value as served; never re-serialised. */
  body: string;
  /** Hex ECDSA P-256 signature (r||s) over `body`. */
  signature: string;
  /** PEM issuer chain (signing certificate first, then the root). */
  issuerChain: string;
}

/** Intel DCAP collateral for one FMSPC. */
export interface IntelCollateral {
  tcbInfo: SignedJson;
  /** QE Identity (SGX) or TD QE Identity (TDX). */
  qeIdentity: SignedJson;
  /** DER PCK CRL (processor or platform CA). */
  pckCrl: Uint8Array;
  /** PEM chain of the PCK CRL issuer (PCK CA, then root). */
  pckCrlIssuerChain: string;
  /** DER Intel SGX Root CA CRL. */
  rootCaCrl: Uint8Array;
}

export interface IntelCollateralRequest {
  tee: 'sgx' | 'tdx';
  /** Lower-case hex, 6 bytes. */
  fmspc: string;
  /** Which PCK CA issued the PCK certificate. */
  ca: 'processor' | 'platform';
}

export type AmdProduct = 'Milan' | 'Genoa' | 'Turin';

/** AMD collateral for one report: the endorsement key certificate and optionally its chain and CRL. */
export interface AmdCollateral {
  /** DER VCEK or VLEK certificate. */
  vek: Uint8Array;
  /** DER ASK or ASVK, then ARK; when absent the pinned chain for the product is used. */
  chain?: Uint8Array[];
  /** DER CRL issued by the ARK. */
  crl?: Uint8Array;
}

export interface AmdCollateralRequest {
  product: AmdProduct | undefined;
  keyType: 'vcek' | 'vlek';
  /** Lower-case hex chip ID (64 bytes; Turin uses the first 8). */
  chipId: string;
  /** Reported TCB, lower-case hex of the 8 bytes as they appear in the report. */
  reportedTcb: string;
}

/** Where collateral comes from. Returning undefined means "not available": the verifier throws ERR_COLLATERAL_MISSING. */
export interface CollateralProvider {
  intel(req: IntelCollateralRequest): Promise<IntelCollateral | undefined>;
  amd(req: AmdCollateralRequest): Promise<AmdCollateral | undefined>;
}

/** A provider with nothing in it. */
export const emptyCollateral: CollateralProvider = {
  intel: async () => undefined,
  amd: async () => undefined,
};
