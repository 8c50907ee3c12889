/**
 * Selecting the TCB levels that apply to a platform, TDX module and QE, following Intel's QVL
 * (TcbLevelCheck.cpp, TdxModuleCheck.cpp, EnclaveIdentityV2::getTcbStatus): levels are tried in
 * the order Intel lists them (highest first) and the first one the SVNs reach is selected.
 */
import type { PckTcb } from '../tcb-types.js';
import type { QeIdentity, QeIdentityLevel } from './qe-identity.js';
import type { TcbInfo, TcbLevel, TdxModuleIdentity, TdxModuleLevel } from './tcb-info.js';

/** TEE_TCB_SVN byte 0 is the TDX module's SVN (minor version), byte 1 its major version. */
const TEE_TCB_SVN_MODULE_SVN = 0;
const TEE_TCB_SVN_MODULE_MAJOR = 1;
/** Quote version from which the TDX module is graded through tdxModuleIdentities. */
const MODULE_IDENTITY_MIN_QUOTE_VERSION = 4;

/** True when the TDX module is graded by its own identity, so bytes 0-1 leave the platform comparison. */
export function usesModuleIdentity(teeTcbSvn: Uint8Array, quoteVersion: number): boolean {
  return quoteVersion >= MODULE_IDENTITY_MIN_QUOTE_VERSION && teeTcbSvn[TEE_TCB_SVN_MODULE_MAJOR]! > 0;
}

/** `TDX_<major as two upper-case hex digits>`, the identity id QVL looks up. */
export function moduleIdentityId(teeTcbSvn: Uint8Array): string {
  return `TDX_${teeTcbSvn[TEE_TCB_SVN_MODULE_MAJOR]!.toString(16).toUpperCase().padStart(2, '0')}`;
}

function allAtLeast(have: ArrayLike<number>, need: readonly number[], from: number): boolean {
  for (let i = from; i < need.length; i++) if (have[i]! < need[i]!) return false;
  return true;
}

/**
 * The first level whose 16 SGX components and PCE SVN the PCK reaches and, for TDX, whose TDX
 * components TEE_TCB_SVN reaches (from index 2 when the module has its own identity).
 * Returns the level and its index, or undefined (TCB not supported).
 */
export function matchPlatformLevel(
  info: TcbInfo,
  pck: PckTcb,
  teeTcbSvn: Uint8Array | undefined,
  quoteVersion: number,
): { level: TcbLevel; index: number } | undefined {
  const tdxFrom = teeTcbSvn && usesModuleIdentity(teeTcbSvn, quoteVersion) ? 2 : 0;
  const index = info.tcbLevels.findIndex(
    (l) =>
      allAtLeast(pck.sgxTcbComponents, l.sgxComponents, 0) &&
      pck.pceSvn >= l.pceSvn &&
      (teeTcbSvn === undefined || allAtLeast(teeTcbSvn, l.tdxComponents ?? [], tdxFrom)),
  );
  return index < 0 ? undefined : { level: info.tcbLevels[index]!, index };
}

/** The identity for the quote's TDX module major version (ids compared case-insensitively, as QVL does). */
export function findModuleIdentity(info: TcbInfo, teeTcbSvn: Uint8Array): TdxModuleIdentity | undefined {
  const id = moduleIdentityId(teeTcbSvn);
  return info.tdxModuleIdentities?.find((m) => m.id.toUpperCase() === id);
}

/** The first module level whose ISV SVN the module's SVN (TEE_TCB_SVN byte 0) reaches. */
export function matchModuleLevel(identity: TdxModuleIdentity, teeTcbSvn: Uint8Array): { level: TdxModuleLevel; index: number } | undefined {
  const svn = teeTcbSvn[TEE_TCB_SVN_MODULE_SVN]!;
  const index = identity.tcbLevels.findIndex((l) => l.isvSvn <= svn);
  return index < 0 ? undefined : { level: identity.tcbLevels[index]!, index };
}

/** The first QE Identity level whose ISV SVN the QE reaches. */
export function matchQeLevel(identity: QeIdentity, isvSvn: number): { level: QeIdentityLevel; index: number } | undefined {
  const index = identity.tcbLevels.findIndex((l) => l.isvSvn <= isvSvn);
  return index < 0 ? undefined : { level: identity.tcbLevels[index]!, index };
}
