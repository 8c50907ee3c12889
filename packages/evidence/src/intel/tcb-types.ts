/**
 * The seam between the Intel quote verifier (quote parsing, PKI, orchestration) and the TCB
 * evaluation (TCB Info, QE Identity, TDX module identities), which are built apart.
 */
import type { IntelCollateral } from '../collateral/types.js';
import type { TcbStatus, VerifyCrypto } from '../types.js';
import type { VerifyCache } from '../memo/verify-cache.js';
import type { VerifyTrace } from '../trace/verify-trace.js';

/** TCB values of the platform, read from the PCK certificate's SGX extensions. */
export interface PckTcb {
  /** Lower-case hex, 6 bytes. */
  fmspc: string;
  /** Lower-case hex, 2 bytes. */
  pceId: string;
  /** The 16 SGX TCB component SVNs (CPUSVN bytes). */
  sgxTcbComponents: number[];
  pceSvn: number;
  /** Lower-case hex, 16 bytes. */
  cpuSvn: string;
}

/** Fields of the QE's (or TD QE's) enclave report that QE Identity judges. */
export interface QeReportFields {
  /** Lower-case hex, 32 bytes. */
  mrsigner: string;
  isvProdId: number;
  isvSvn: number;
  miscselect: number;
  /** Lower-case hex, 16 bytes. */
  attributes: string;
}

export interface TcbEvaluationInput {
  tee: 'sgx' | 'tdx';
  /** Quote version (3, 4 or 5); TDX module identities apply from version 4 on. */
  quoteVersion: number;
  pck: PckTcb;
  /** TDX only: the TD report's TEE_TCB_SVN, 16 bytes. */
  teeTcbSvn?: Uint8Array;
  /** TDX only: the TD report's MRSIGNERSEAM, lower-case hex, 48 bytes; checked against the TDX module's signer when given. */
  mrSignerSeam?: string;
  /** TDX only: the TD report's SEAMATTRIBUTES, lower-case hex, 8 bytes; checked against the TDX module's attributes when given. */
  seamAttributes?: string;
  qe: QeReportFields;
  collateral: IntelCollateral;
  /**
   * Public key of the TCB Info / QE Identity signing certificate, already chained to the pinned
   * root by the caller: a CryptoKey, or the uncompressed P-256 point (then signatures that
   * verified before under that point are not checked again).
   */
  tcbSigningKey: CryptoKey | Uint8Array;
  /** Replaces WebCrypto when tcbSigningKey is a point (VerifyContext.crypto). */
  crypto?: VerifyCrypto;
  /** Where verdicts and parsed documents are remembered (VerifyContext.cache); default the shared instance. */
  cache?: VerifyCache;
  /** Records the evaluation's steps (VerifyContext.trace). */
  trace?: VerifyTrace;
  /** Verification time. */
  at: Date;
}

export interface TcbEvaluation {
  /** Combined status (platform TCB, TDX module, QE), as Intel's QVL combines them. */
  tcbStatus: TcbStatus;
  /** Union of the advisory IDs of the matched levels, sorted, unique. */
  advisoryIds: string[];
  /** Items past their nextUpdate at `at`: "tcbInfo", "qeIdentity". */
  expired: string[];
  /** Platform TCB status alone. */
  platformStatus: TcbStatus;
  /** QE status from QE Identity. */
  qeStatus: TcbStatus;
  /** TDX module status where a module identity applied. */
  tdxModuleStatus?: TcbStatus;
  /** tcbDate of the matched platform level, ISO-8601. */
  tcbDate?: string;
  /** TDX only: the id of the TDX module identity that graded the module, e.g. "TDX_01". */
  tdxModuleIdentity?: string;
  /** tcbDate of the matched QE Identity level, ISO-8601. */
  qeTcbDate?: string;
  /** TCB Info version (2 or 3), tcbEvaluationDataNumber, issue and next update dates. */
  tcbInfo: { version: number; tcbEvaluationDataNumber: number; issueDate: string; nextUpdate: string };
  qeIdentity: { version: number; id: string; tcbEvaluationDataNumber: number; issueDate: string; nextUpdate: string };
}
