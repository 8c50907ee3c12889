/** The parsed view of an Intel DCAP ECDSA quote (SGX v3/v4/v5, TDX v4/v5). Every field is a view into `raw`. */

export type IntelTeeType = 'sgx' | 'tdx';

/** Quote header (48 bytes): Intel DCAP Quote Library API, "Quote Header" table. */
export interface IntelQuoteHeader {
  version: number;
  /** 2 = ECDSA-256-with-P-256 (the only one supported). */
  attestationKeyType: number;
  /** 0x00 SGX, 0x81 TDX (v4+); 0 in v3. */
  teeType: number;
  /** v3: QE SVN at header offset 8; reserved in v4+. */
  qeSvn: number;
  /** v3: PCE SVN at header offset 10; reserved in v4+. */
  pceSvn: number;
  qeVendorId: Uint8Array;
  userData: Uint8Array;
}

/** SGX enclave report body (384 bytes): "Enclave Report Body" table. */
export interface SgxReportBody {
  raw: Uint8Array;
  cpuSvn: Uint8Array;
  miscselect: number;
  isvExtProdId: Uint8Array;
  attributes: Uint8Array;
  mrenclave: Uint8Array;
  mrsigner: Uint8Array;
  configId: Uint8Array;
  isvProdId: number;
  isvSvn: number;
  configSvn: number;
  isvFamilyId: Uint8Array;
  reportData: Uint8Array;
}

/** TD report body: TD 1.0 (584 bytes) or TD 1.5 (648 bytes, adds TEE_TCB_SVN_2 and MRSERVICETD). */
export interface TdReportBody {
  raw: Uint8Array;
  teeTcbSvn: Uint8Array;
  mrSeam: Uint8Array;
  mrSignerSeam: Uint8Array;
  seamAttributes: Uint8Array;
  tdAttributes: Uint8Array;
  xfam: Uint8Array;
  mrTd: Uint8Array;
  mrConfigId: Uint8Array;
  mrOwner: Uint8Array;
  mrOwnerConfig: Uint8Array;
  rtmrs: [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  reportData: Uint8Array;
  teeTcbSvn2?: Uint8Array;
  mrServiceTd?: Uint8Array;
}

export type IntelQuoteBody =
  | { kind: 'sgx'; /** v5 body type 1, else 0 (implicit). */ bodyType: number; report: SgxReportBody }
  | { kind: 'tdx'; /** 2 = TD report 1.0, 3 = TD report 1.5 (v4 quotes: 2). */ bodyType: number; report: TdReportBody };

/** QE report certification data (type 6), or the v3 signature data fields that carry the same items. */
export interface QeCertification {
  /** The QE's enclave report, signed by the PCK key. */
  qeReport: SgxReportBody;
  /** Raw r||s over `qeReport.raw`. */
  qeReportSignature: Uint8Array;
  qeAuthData: Uint8Array;
  /** Certification data type of the nested data (5 = PCK chain as PEM). */
  certDataType: number;
  /** The PCK certificate chain, concatenated PEM: leaf, PCK CA, root. */
  pckChainPem: Uint8Array;
}

export interface IntelQuote {
  /** The quote's exact bytes: after any Open Enclave header, without the zero padding a generator may leave after it. */
  raw: Uint8Array;
  version: number;
  tee: IntelTeeType;
  header: IntelQuoteHeader;
  body: IntelQuoteBody;
  /** The bytes the attestation key signed: header and body (v5: with the body descriptor). */
  signedRange: Uint8Array;
  /** Raw r||s by the attestation key. */
  signature: Uint8Array;
  /** Attestation public key, raw x||y (64 bytes). */
  attestationKey: Uint8Array;
  qe: QeCertification;
}
