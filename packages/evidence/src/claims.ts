/**
 * Normalized claims: what a verifier returns, one shape per TEE, told apart by `tee`, so that a
 * caller narrows with `claims.tee === 'sgx'` and reads `claims.sgx` without a cast. Every value
 * is JSON-serializable (hex strings, numbers, booleans).
 */
import type { SevSnpClaims } from './sev-snp/sev-snp-claims.js';
import type { TdAttributeFlags } from './tdx/td-attributes.js';
import type { NvidiaDetails } from './nvidia/nvidia-claims.js';
import type { TpmDetails } from './tpm/claims.js';
import type { TdxEventLogClaims } from './tdx/event-log/claims.js';
import type { AzureCvmDetails } from './azure-cvm/azure-cvm-claims.js';

/**
 * 'sim' is the simulated TEE: development only, signed by an instance's simulation key.
 * 'nvidia' is an NVIDIA confidential GPU or NVSwitch (its SPDM measurement report).
 * 'tpm' is a TPM 2.0 quote.
 * 'azure-cvm' is an Azure confidential VM: an HCL report (SEV-SNP report or TDX TDREPORT with its
 * TD quote) binding the vTPM whose quote comes with it.
 */
export type TeeType = 'sgx' | 'tdx' | 'sev-snp' | 'tpm' | 'sim' | 'nvidia' | 'azure-cvm';

/** Intel's TCB status names; `NotSupported` when the TCB matches no level. */
export type TcbStatus =
  | 'UpToDate'
  | 'SWHardeningNeeded'
  | 'ConfigurationNeeded'
  | 'ConfigurationAndSWHardeningNeeded'
  | 'OutOfDate'
  | 'OutOfDateConfigurationNeeded'
  | 'NotSupported';

/** What every TEE's claims carry. */
export interface CommonClaims {
  tee: TeeType;
  debug: boolean;
  /** MRENCLAVE, MRTD, the SNP launch measurement or an NVIDIA device's measurement record digest, lower-case hex. */
  measurement: string;
  /** Full report data, lower-case hex. */
  reportData: string;
  tcbStatus: TcbStatus;
  advisoryIds: string[];
  /** True when any collateral item, CRL or certificate is past its validity at the verification time. */
  collateralExpired: boolean;
  /** Names of the expired items, e.g. "pckCrl", "tcbInfo", "qeIdentity", "rootCaCrl", "cert:<subject>". */
  expiredCollateral: string[];
  /** The verification time used, ISO-8601. */
  verifiedAt: string;
  /** MRSIGNER (SGX) or the simulated signer, where the TEE has one. */
  signer?: string;
  productId?: number;
  svn?: number;
  /** Intel FMSPC (hex) where the evidence has one. */
  fmspc?: string;
  /** AMD chip ID (hex) where the evidence has one. */
  chipId?: string;
}

/**
 * SHA-256 (lower-case hex) of exactly the bytes an Intel quote was judged with: the quote as
 * verified (after any Open Enclave header; trailing bytes are refused, so these are all of its
 * bytes), the signed TCB Info and QE Identity bodies as served (UTF-8), their PEM issuer chains
 * as given, and the two DER CRLs.
 */
export interface IntelCollateralDigests {
  quote: string;
  tcbInfo: string;
  qeIdentity: string;
  tcbInfoIssuerChain: string;
  qeIdentityIssuerChain: string;
  pckCrl: string;
  rootCaCrl: string;
}

/** The platform and TCB evaluation fields of SGX and TDX claims. */
export interface IntelPlatformClaims {
  quoteVersion: number;
  pceId: string;
  pceSvn: number;
  pckCpuSvn: string;
  qeSvn: number;
  tcbDate?: string;
  qeStatus: TcbStatus;
  qeTcbDate?: string;
  platformStatus: TcbStatus;
  caType: 'processor' | 'platform';
  tcbEvaluationDataNumber: number;
}

/** `SgxClaims.sgx`: the enclave report, lower-case hex for bytes. */
export interface SgxDetails extends IntelPlatformClaims {
  cpuSvn: string;
  miscselect: number;
  attributes: string;
  mrenclave: string;
  mrsigner: string;
  isvProdId: number;
  isvSvn: number;
  configId: string;
  configSvn: number;
  isvExtProdId: string;
  isvFamilyId: string;
}

/** `TdxClaims.tdx`: the TD report, lower-case hex for bytes. */
export interface TdxDetails extends IntelPlatformClaims {
  bodyType: number;
  teeTcbSvn: string;
  teeTcbSvn2?: string;
  mrSeam: string;
  mrSignerSeam: string;
  seamAttributes: string;
  tdAttributes: string;
  tdAttributesDecoded: TdAttributeFlags;
  xfam: string;
  mrtd: string;
  mrConfigId: string;
  mrOwner: string;
  mrOwnerConfig: string;
  rtmrs: string[];
  mrServiceTd?: string;
  tdxModuleStatus?: TcbStatus;
  tdxModuleIdentity?: string;
  /** The CC event log replayed to the four RTMRs, when one was given beside the quote. */
  eventLog?: TdxEventLogClaims;
}

export interface SgxClaims extends CommonClaims {
  tee: 'sgx';
  /** MRSIGNER. */
  signer: string;
  productId: number;
  svn: number;
  /** Intel FMSPC, lower-case hex. */
  fmspc: string;
  collateralDigests: IntelCollateralDigests;
  sgx: SgxDetails;
}

export interface TdxClaims extends CommonClaims {
  tee: 'tdx';
  /** Intel FMSPC, lower-case hex. */
  fmspc: string;
  collateralDigests: IntelCollateralDigests;
  tdx: TdxDetails;
}

export interface SnpClaims extends CommonClaims {
  tee: 'sev-snp';
  /** The guest SVN. */
  svn: number;
  /** AMD chip ID, lower-case hex. */
  chipId: string;
  sevSnp: SevSnpClaims;
}

/** `SimClaims.sim`. */
export interface SimDetails {
  issuedAt: string;
  /** SHA-256 of the simulation key's SPKI, lower-case hex. */
  keyId: string;
}

export interface SimClaims extends CommonClaims {
  tee: 'sim';
  signer: string;
  productId: number;
  svn: number;
  sim: SimDetails;
}

/**
 * An NVIDIA GPU or NVSwitch: `measurement` is the SHA-384 of the signed measurement record,
 * `reportData` the request nonce; `debug` is false and `tcbStatus` UpToDate (no RIM or OCSP check).
 */
export interface NvidiaClaims extends CommonClaims {
  tee: 'nvidia';
  nvidia: NvidiaDetails;
}

/**
 * TPM 2.0 quote claims. A TPM has no TCB levels: `tcbStatus` is 'NotSupported' and policy judges
 * the firmware version, PCRs and event-log claims in `tpm`. `measurement` is the first quote's
 * PCR digest, `reportData` its extraData (the nonce).
 */
export interface TpmClaims extends CommonClaims {
  tee: 'tpm';
  tpm: TpmDetails;
}

/**
 * An Azure confidential VM. The common fields are the hardware report's (`measurement` the SNP
 * launch measurement or MRTD, `reportData` its report data, which hashes the runtime data);
 * `isolation` holds its full claims, `tpm` the vTPM quote's (its nonce is `tpm.nonce`), and
 * `azureCvm` the HCL report's runtime data (the vTPM keys, the VM configuration, user data).
 * `collateralExpired` covers both.
 */
export interface AzureCvmClaims extends CommonClaims {
  tee: 'azure-cvm';
  isolation: SnpClaims | TdxClaims;
  tpm: TpmDetails;
  azureCvm: AzureCvmDetails;
}

/** Normalized claims of any TEE; `tee` tells which. */
export type Claims = SgxClaims | TdxClaims | SnpClaims | TpmClaims | SimClaims | NvidiaClaims | AzureCvmClaims;

/** The claims of one TEE. */
export type ClaimsOf<T extends TeeType> = Extract<Claims, { tee: T }>;
