/**
 * Normalized verifier claims -> the claims MAA derives from evidence, per attestation type:
 * the incoming claims its policy language sees and (with policy-issued claims) the token body.
 * Names and encodings follow the MAA claim-sets page and the TDX EAT profile; Confide's own
 * verdicts (TCB status, advisories, expired collateral) use an `x-confide-` prefix.
 */
import { toBase64Url } from '@confide/core';
import {
  claimsOf,
  type Claims,
  type IntelCollateralDigests,
  type NvidiaClaims,
  type SgxClaims,
  type SimClaims,
  type SnpClaims,
  type SnpTcb,
  type TdxClaims,
} from '@confide/evidence';
import type { IncomingClaim } from '@confide/policy';
import { tpmClaims, TPM_JSON_CLAIMS } from './tpm/tpm-claims.js';
import { cvmComplianceStatus } from './azure-guest/compliance.js';
import { isolationIncoming, ISOLATION_TEE } from './azure-guest/isolation-incoming.js';
import { MAA_TEE_NAME, type AttestRequest } from './types.js';

export type ClaimMap = Record<string, unknown>;

const ZERO = /^0*$/;

function confideVerdict(c: Claims): ClaimMap {
  return {
    'x-confide-tcb-status': c.tcbStatus,
    'x-confide-advisory-ids': [...c.advisoryIds],
    'x-confide-collateral-expired': c.collateralExpired,
  };
}

/**
 * `x-ms-sgx-collateral`: SHA-256 of the collateral an SGX quote was judged with, from the
 * verifier's digests. The reference names the fields; which bytes each hashes is not documented,
 * so: quotehash = the exact quote bytes without any Open Enclave header (confirmed against a real
 * MAA token), tcbinfohash / qeidhash = the signed `tcbInfo` / `enclaveIdentity` bytes,
 * *certshash = the PEM issuer chain as given, *crlhash = the DER Intel Root CA CRL (the CRL of
 * those chains; MAA's two values are equal, as they are here).
 */
function sgxCollateral(d: IntelCollateralDigests): ClaimMap {
  return {
    qeidcertshash: d.qeIdentityIssuerChain,
    qeidcrlhash: d.rootCaCrl,
    qeidhash: d.qeIdentity,
    quotehash: d.quote,
    tcbinfocertshash: d.tcbInfoIssuerChain,
    tcbinfocrlhash: d.rootCaCrl,
    tcbinfohash: d.tcbInfo,
  };
}

function sgxClaims(c: SgxClaims, req: AttestRequest): ClaimMap {
  const sgx = c.sgx;
  const out: ClaimMap = {
    'x-ms-sgx-is-debuggable': c.debug,
    'x-ms-sgx-mrenclave': c.measurement,
    'x-ms-sgx-mrsigner': c.signer,
    'x-ms-sgx-product-id': c.productId,
    'x-ms-sgx-svn': c.svn,
    'x-ms-sgx-report-data': c.reportData,
  };
  if (req.runtimeData) out['x-ms-sgx-ehd'] = toBase64Url(req.runtimeData.bytes);
  out['x-ms-sgx-collateral'] = sgxCollateral(c.collateralDigests);
  // The KSS fields mean something only when the enclave uses them (or initTimeData binds to the config ID).
  const kss = [sgx.configId, sgx.isvExtProdId, sgx.isvFamilyId].some((v) => !ZERO.test(v)) || sgx.configSvn !== 0;
  if (kss || req.initTimeData) {
    out['x-ms-sgx-config-id'] = sgx.configId;
    out['x-ms-sgx-config-svn'] = sgx.configSvn;
    out['x-ms-sgx-isv-extended-product-id'] = sgx.isvExtProdId;
    out['x-ms-sgx-isv-family-id'] = sgx.isvFamilyId;
  }
  return out;
}

/** The deprecated `$`-names the 1.0 default SGX policy used, as incoming claims only. */
function sgxLegacyIncoming(m: ClaimMap): ClaimMap {
  return {
    '$is-debuggable': m['x-ms-sgx-is-debuggable'],
    '$sgx-mrsigner': m['x-ms-sgx-mrsigner'],
    '$sgx-mrenclave': m['x-ms-sgx-mrenclave'],
    '$product-id': m['x-ms-sgx-product-id'],
    '$svn': m['x-ms-sgx-svn'],
    '$tee': m['x-ms-attestation-type'],
  };
}

export function snpClaims(c: SnpClaims): ClaimMap {
  const s = c.sevSnp;
  const tcb: SnpTcb = s.reportedTcb;
  return {
    'x-ms-sevsnpvm-authorkeydigest': s.authorKeyDigest,
    'x-ms-sevsnpvm-bootloader-svn': tcb.bootloader,
    'x-ms-sevsnpvm-familyId': s.familyId,
    'x-ms-sevsnpvm-guestsvn': s.guestSvn,
    'x-ms-sevsnpvm-hostdata': s.hostData,
    'x-ms-sevsnpvm-idkeydigest': s.idKeyDigest,
    'x-ms-sevsnpvm-imageId': s.imageId,
    'x-ms-sevsnpvm-is-debuggable': c.debug,
    'x-ms-sevsnpvm-launchmeasurement': c.measurement,
    'x-ms-sevsnpvm-microcode-svn': tcb.microcode,
    'x-ms-sevsnpvm-migration-allowed': s.policy.migrateMa,
    'x-ms-sevsnpvm-reportdata': c.reportData,
    'x-ms-sevsnpvm-reportid': s.reportId,
    'x-ms-sevsnpvm-smt-allowed': s.policy.smt,
    'x-ms-sevsnpvm-snpfw-svn': tcb.snp,
    'x-ms-sevsnpvm-tee-svn': tcb.tee,
    'x-ms-sevsnpvm-vmpl': s.vmpl,
  };
}

export function tdxClaims(c: TdxClaims): ClaimMap {
  const t = c.tdx;
  const flags = t.tdAttributesDecoded;
  const rtmrs = t.rtmrs;
  return {
    eat_profile: 'https://aka.ms/maa-eat-profile-tdxvm',
    dbgstat: c.debug ? 'enabled' : 'disabled-since-boot',
    intuse: 'generic',
    tdx_mrsignerseam: t.mrSignerSeam,
    tdx_mrseam: t.mrSeam,
    tdx_mrtd: c.measurement,
    tdx_mrconfigid: t.mrConfigId,
    tdx_mrowner: t.mrOwner,
    tdx_mrownerconfig: t.mrOwnerConfig,
    tdx_rtmr0: rtmrs[0],
    tdx_rtmr1: rtmrs[1],
    tdx_rtmr2: rtmrs[2],
    tdx_rtmr3: rtmrs[3],
    tdx_report_data: c.reportData,
    tdx_seam_attributes: t.seamAttributes,
    tdx_td_attributes: t.tdAttributes,
    tdx_td_attributes_debug: flags.debug,
    tdx_td_attributes_septve_disable: flags.septVeDisable,
    tdx_td_attributes_protection_keys: flags.pks,
    tdx_td_attributes_key_locker: flags.kl,
    tdx_td_attributes_perfmon: flags.perfmon,
    tdx_tee_tcb_svn: t.teeTcbSvn,
    tdx_xfam: t.xfam,
    attester_tcb_status: c.tcbStatus,
    attester_advisory_ids: [...c.advisoryIds],
    // Confide extension: present when the request carried the CC event log and it replayed to RTMR0-3.
    'x-confide-tdx-kernel-cmdlines': t.eventLog?.kernelCommandLines,
    'x-confide-tdx-event-log': t.eventLog,
  };
}

function simClaims(c: SimClaims): ClaimMap {
  return {
    'x-ms-sim-is-debuggable': c.debug,
    'x-ms-sim-measurement': c.measurement,
    'x-ms-sim-signer': c.signer,
    'x-ms-sim-product-id': c.productId,
    'x-ms-sim-svn': c.svn,
    'x-ms-sim-reportdata': c.reportData,
  };
}

/**
 * An NVIDIA GPU or NVSwitch (Confide's NvidiaGpu endpoint; MAA has no GPU claims): the device,
 * its firmware versions, the request nonce and every measurement (`x-confide-nvidia-measurements`,
 * index to hex, as NVIDIA's RIMs number them).
 */
function nvidiaClaims(c: NvidiaClaims): ClaimMap {
  const n = c.nvidia;
  return {
    'x-confide-nvidia-device': n.device,
    'x-confide-nvidia-leaf-subject': n.leafSubject,
    'x-confide-nvidia-driver-version': n.driverVersion,
    'x-confide-nvidia-vbios-version': n.vbiosVersion,
    'x-confide-nvidia-nonce': c.reportData,
    'x-confide-nvidia-measurement': c.measurement,
    'x-confide-nvidia-measurements': n.measurements,
    'x-confide-nvidia-fwid': n.fwid,
  };
}

function dropUndefined(m: ClaimMap): ClaimMap {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));
}

/** What verification derived beside the claims: the TPM AK's MAA hash, the GPUs verified with CPU evidence, AzureGuest's claims (azure-guest/guest-claims.ts: they need the request's TPM info). */
export interface VerifiedExtras {
  aikPubHash?: string;
  gpus?: NvidiaClaims[];
  guestClaims?: ClaimMap;
}

/** The GPUs of a combined request: one claim map per device, in request order, named as /attest/NvidiaGpu names them. */
function gpuClaims(gpus: readonly NvidiaClaims[] | undefined): ClaimMap {
  if (!gpus) return {};
  return { 'x-confide-gpu-count': gpus.length, 'x-confide-gpus': gpus.map((g) => dropUndefined(nvidiaClaims(g))) };
}

/**
 * SevSnpVm and TdxVm with an Azure CVM's runtime data (the client's platform attestation: the
 * hardware report out of the HCL report, the runtime data as JSON runtimeData, which the report
 * binds): MAA's compliance status (azure-guest/compliance.ts).
 */
function platformCompliance(c: SnpClaims | TdxClaims, req: AttestRequest): ClaimMap {
  if (req.runtimeData?.dataType !== 'JSON') return {};
  const status = cvmComplianceStatus({ debug: c.debug, vmpl: c.tee === 'sev-snp' ? c.sevSnp.vmpl : undefined, runtime: req.runtimeData.json });
  return status === undefined ? {} : { 'x-ms-compliance-status': status };
}

/** The claims MAA derives from verified evidence and the request (everything but policy output and JWT fields). */
export function evidenceClaims(c: Claims, req: AttestRequest, extras: VerifiedExtras = {}): ClaimMap {
  const common: ClaimMap = { 'x-ms-attestation-type': MAA_TEE_NAME[req.type] };
  let specific: ClaimMap;
  switch (req.type) {
    case 'SgxEnclave':
    case 'OpenEnclave':
      specific = sgxClaims(claimsOf(c, 'sgx'), req);
      break;
    case 'SevSnpVm':
      specific = { ...snpClaims(claimsOf(c, 'sev-snp')), ...platformCompliance(claimsOf(c, 'sev-snp'), req) };
      break;
    case 'TdxVm':
      specific = { ...tdxClaims(claimsOf(c, 'tdx')), ...platformCompliance(claimsOf(c, 'tdx'), req) };
      break;
    case 'AzureGuest':
      specific = extras.guestClaims ?? {};
      break;
    case 'Tpm':
      specific = tpmClaims(claimsOf(c, 'tpm'), extras.aikPubHash ?? '');
      break;
    case 'NvidiaGpu':
      specific = nvidiaClaims(claimsOf(c, 'nvidia'));
      break;
    case 'Simulated':
      specific = simClaims(claimsOf(c, 'sim'));
      break;
  }
  const data: ClaimMap = {};
  if (req.runtimeData?.dataType === 'JSON') data['x-ms-runtime'] = req.runtimeData.json;
  if (req.initTimeData?.dataType === 'JSON') data['x-ms-inittime'] = req.initTimeData.json;
  return dropUndefined({ ...common, ...specific, ...gpuClaims(extras.gpus), ...data, ...confideVerdict(c) });
}

/** Caller JSON, the GPU's measurement map, the GPUs of a combined request, the TDX event log, the TPM's objects and AzureGuest's nested claims: each one claim holding its JSON text (policy 1.2 reads it with JmesPath). */
const JSON_TEXT_CLAIMS: ReadonlySet<string> = new Set(['x-ms-runtime', 'x-ms-inittime', 'x-confide-nvidia-measurements', 'x-confide-tdx-event-log', 'x-confide-gpus', ...TPM_JSON_CLAIMS, ISOLATION_TEE, 'x-confide-azurevm-pcrs']);

/**
 * The incoming claim set the policy sees: every evidence claim with issuer AttestationService;
 * a list becomes one claim per element (a set, as MAA's multi-valued claims), an object its JSON
 * text. SGX also gets the `$`-aliases of policy version 1.0; AzureGuest the claims nested under
 * `x-ms-isolation-tee` by their dotted names too.
 */
export function incomingClaims(m: ClaimMap, req: AttestRequest): IncomingClaim[] {
  const all = req.type === 'SgxEnclave' || req.type === 'OpenEnclave' ? { ...m, ...dropUndefined(sgxLegacyIncoming(m)) } : req.type === 'AzureGuest' ? { ...m, ...isolationIncoming(m) } : m;
  const out: IncomingClaim[] = [];
  for (const [type, value] of Object.entries(all)) {
    if (JSON_TEXT_CLAIMS.has(type)) {
      out.push({ type, value: JSON.stringify(value), issuer: 'AttestationService' });
    } else if (Array.isArray(value)) for (const v of value) out.push({ type, value: v, issuer: 'AttestationService' });
    else out.push({ type, value, issuer: 'AttestationService' });
  }
  if (req.nonce !== undefined) out.push({ type: 'nonce', value: req.nonce, issuer: 'AttestationService' });
  return out;
}
