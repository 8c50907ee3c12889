/**
 * TCB evaluation of a DCAP quote: checks the TCB Info and QE Identity signatures, that both apply
 * to this evidence, then grades the platform, the TDX module and the QE and combines the three as
 * Intel's QVL does. Old TCB and stale collateral come back as values; only collateral that is not
 * authentic or not Intel's, a QE/TDX module Intel does not endorse, or a revoked TCB throws.
 */
import type { ConfideError } from '@confide/core';
import { EvidenceError } from '../../errors.js';
import type { TcbStatus } from '../../types.js';
import type { TcbEvaluation, TcbEvaluationInput } from '../tcb-types.js';
import { checkQeIdentityApplies, checkQeReport, checkTcbInfoApplies, checkTdxModuleSigner } from './identity-checks.js';
import { findModuleIdentity, matchModuleLevel, matchPlatformLevel, matchQeLevel, moduleIdentityId, usesModuleIdentity } from './match.js';
import { signedQeIdentity, signedTcbInfo } from './parsed.js';
import { verifyTcbSignatures } from './signature.js';
import { cachedCrypto } from '../../webcrypto/p256.js';
import { type LevelStatus, type SimpleStatus, foldOutOfDate, moduleStatus, platformStatus, qeStatus } from './status.js';
import { TCB_COMPONENT_COUNT, type TcbInfo } from './tcb-info.js';

/** TEE_TCB_SVN is 16 bytes (TDX TD report). */
const TEE_TCB_SVN_BYTES = 16;

interface ModuleGrade {
  /** NotSupported when the quote's module version has no identity or no level it reaches. */
  status: SimpleStatus | 'NotSupported';
  identityId: string;
  advisoryIds: string[];
}

/**
 * Evaluates the platform TCB, TDX module and QE of a quote against Intel's TCB Info and QE Identity.
 * Throws ERR_EVIDENCE_SIGNATURE_INVALID (collateral signature), ERR_COLLATERAL_MALFORMED (unparseable
 * collateral, or TCB Info / QE Identity for another TEE, FMSPC or PCE ID), ERR_EVIDENCE_BINDING_MISMATCH
 * (QE or TDX module not the one Intel endorses), ERR_EVIDENCE_REVOKED (a matched level is Revoked),
 * ERR_EVIDENCE_MALFORMED (PCK TCB or TEE_TCB_SVN of the wrong shape).
 */
export async function evaluateIntelTcb(input: TcbEvaluationInput): Promise<TcbEvaluation> {
  const { collateral, tcbSigningKey, trace } = input;
  // Signatures first: a tampered body must read as a bad signature, not as malformed JSON.
  const cc = cachedCrypto(input);
  await verifyTcbSignatures(collateral, tcbSigningKey, cc, trace);
  trace?.begin('tcb-info');
  const tcbInfo = signedTcbInfo(collateral.tcbInfo.body, cc.cache);
  checkInputShape(input);
  checkTcbInfoApplies(tcbInfo, input);
  trace?.record('tcb-info', 'applies', 'passed', `TCB Info for ${input.tee} FMSPC ${input.pck.fmspc}, PCE ID ${input.pck.pceId} (evaluation data ${tcbInfo.tcbEvaluationDataNumber})`);
  trace?.begin('qe-identity');
  const qeIdentity = signedQeIdentity(collateral.qeIdentity.body, cc.cache);
  checkQeIdentityApplies(qeIdentity, input.tee);
  checkQeReport(qeIdentity, input.qe);
  trace?.record('qe-identity', 'matches', 'passed', `the QE's MRSIGNER, ISVPRODID ${input.qe.isvProdId}, MISCSELECT and attributes are those of Intel's ${qeIdentity.id}`);

  const teeTcbSvn = input.tee === 'tdx' ? input.teeTcbSvn : undefined;
  trace?.begin('tdx-module');
  const module = teeTcbSvn ? gradeTdxModule(tcbInfo, teeTcbSvn, input) : undefined;
  if (teeTcbSvn) trace?.record('tdx-module', 'signer', 'passed', module ? `module ${module.identityId}: ${module.status}` : "the TDX module's signer and attributes are the ones TCB Info names");
  trace?.begin('tcb-info');
  const platform = matchPlatformLevel(tcbInfo, input.pck, teeTcbSvn, input.quoteVersion);
  const platformLevelStatus: LevelStatus | 'NotSupported' = platform
    ? platformStatus(platform.level.tcbStatus, `tcbInfo.tcbLevels[${platform.index}]`)
    : 'NotSupported';
  trace?.record('tcb-info', 'level', 'noted', platform ? `the platform's TCB (CPUSVN components, PCESVN ${input.pck.pceSvn}) reaches level ${platform.index} (${platform.level.tcbDate}): ${platformLevelStatus}` : 'the platform reaches no level TCB Info lists: NotSupported');
  trace?.begin('qe-identity');
  const qe = matchQeLevel(qeIdentity, input.qe.isvSvn);
  const qeLevelStatus: SimpleStatus | 'NotSupported' = qe ? qeStatus(qe.level.tcbStatus, `enclaveIdentity.tcbLevels[${qe.index}]`) : 'NotSupported';
  trace?.record('qe-identity', 'level', 'noted', qe ? `the QE's ISVSVN ${input.qe.isvSvn} reaches level ${qe.index} (${qe.level.tcbDate}): ${qeLevelStatus}` : `the QE's ISVSVN ${input.qe.isvSvn} reaches no level: NotSupported`);

  // A revoked TCB is refused outright, whichever part of the three carries it.
  trace?.begin('tcb-status');
  if (platformLevelStatus === 'Revoked') throw revoked('platform TCB', 'platform');
  if (module?.status === 'Revoked') throw revoked(`TDX module (${module.identityId})`, 'tdxModule');
  if (qeLevelStatus === 'Revoked') throw revoked('QE', 'qe');

  let tcbStatus: TcbStatus = platformLevelStatus;
  if (module) tcbStatus = foldOutOfDate(tcbStatus, module.status);
  tcbStatus = foldOutOfDate(tcbStatus, qeLevelStatus);

  const advisories = new Set<string>([...(platform?.level.advisoryIds ?? []), ...(module?.advisoryIds ?? []), ...(qe?.level.advisoryIds ?? [])]);
  trace?.record('tcb-status', 'combined', 'noted', `${tcbStatus}${advisories.size ? `, advisories ${[...advisories].sort().join(', ')}` : ''}: not revoked; a claim for policy to judge`);
  const result: TcbEvaluation = {
    tcbStatus,
    advisoryIds: [...advisories].sort(),
    expired: expiredItems(input.at, tcbInfo, qeIdentity),
    platformStatus: platformLevelStatus,
    qeStatus: qeLevelStatus,
    tcbInfo: {
      version: tcbInfo.version,
      tcbEvaluationDataNumber: tcbInfo.tcbEvaluationDataNumber,
      issueDate: tcbInfo.issueDate,
      nextUpdate: tcbInfo.nextUpdate,
    },
    qeIdentity: {
      version: qeIdentity.version,
      id: qeIdentity.id,
      tcbEvaluationDataNumber: qeIdentity.tcbEvaluationDataNumber,
      issueDate: qeIdentity.issueDate,
      nextUpdate: qeIdentity.nextUpdate,
    },
  };
  if (module) {
    result.tdxModuleStatus = module.status;
    result.tdxModuleIdentity = module.identityId;
  }
  if (platform) result.tcbDate = platform.level.tcbDate;
  if (qe) result.qeTcbDate = qe.level.tcbDate;
  return result;
}

function checkInputShape(input: TcbEvaluationInput): void {
  const c = input.pck.sgxTcbComponents;
  if (c.length !== TCB_COMPONENT_COUNT || c.some((v) => !Number.isInteger(v) || v < 0 || v > 0xff)) {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `PCK TCB must have ${TCB_COMPONENT_COUNT} SGX components of one byte each`);
  }
  if (input.tee === 'tdx' && input.teeTcbSvn?.length !== TEE_TCB_SVN_BYTES) {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `TDX evaluation needs TEE_TCB_SVN of ${TEE_TCB_SVN_BYTES} bytes`);
  }
}

/**
 * From quote version 4, a TDX module with a major version (TEE_TCB_SVN[1]) above 0 is graded by
 * the TCB Info's identity for that version, and its signer is checked against that identity;
 * otherwise the module is checked against `tdxModule` and graded only through tdxtcbcomponents.
 * Deviation from QVL: a module version with no identity is reported NotSupported (QVL fails with
 * TDX_MODULE_MISMATCH), since newer modules than the collateral knows are not forgeries.
 */
function gradeTdxModule(info: TcbInfo, teeTcbSvn: Uint8Array, input: TcbEvaluationInput): ModuleGrade | undefined {
  if (!usesModuleIdentity(teeTcbSvn, input.quoteVersion)) {
    checkTdxModuleSigner(info.tdxModule!, input);
    return undefined;
  }
  const identityId = moduleIdentityId(teeTcbSvn);
  const identity = findModuleIdentity(info, teeTcbSvn);
  if (!identity) return { status: 'NotSupported', identityId, advisoryIds: [] };
  checkTdxModuleSigner(identity, input);
  const index = info.tdxModuleIdentities!.indexOf(identity);
  const match = matchModuleLevel(identity, teeTcbSvn);
  if (!match) return { status: 'NotSupported', identityId, advisoryIds: [] };
  return {
    status: moduleStatus(match.level.tcbStatus, `tcbInfo.tdxModuleIdentities[${index}].tcbLevels[${match.index}]`),
    identityId,
    advisoryIds: match.level.advisoryIds,
  };
}

function revoked(what: string, item: string): ConfideError {
  return new EvidenceError('ERR_EVIDENCE_REVOKED', `the ${what} is revoked by Intel's TCB evaluation data`, { details: { item } });
}

/** Items not valid at `at`: past nextUpdate, or not yet issued. */
function expiredItems(at: Date, tcbInfo: TcbInfo, qeIdentity: { issueDate: string; nextUpdate: string }): string[] {
  const t = at.getTime();
  const stale = (d: { issueDate: string; nextUpdate: string }): boolean => Date.parse(d.nextUpdate) < t || Date.parse(d.issueDate) > t;
  const out: string[] = [];
  if (stale(tcbInfo)) out.push('tcbInfo');
  if (stale(qeIdentity)) out.push('qeIdentity');
  return out;
}
