/**
 * The one entry point for "verify these evidence bytes": decode, detect the TEE, hand the bytes
 * to that TEE's verifier.
 */
import { traced } from './trace/verify-trace.js';
import { isConfideError } from '@confide/core';
import { EvidenceError } from './errors.js';
import type { Claims, EvidenceVerifier, TeeType, VerifyContext } from './types.js';
import { detectEvidence, type DetectedEvidence } from './detect.js';
import { sgxVerifier } from './sgx/verifier.js';
import { tdxVerifier } from './tdx/verifier.js';
import { snpVerifier } from './sev-snp/verifier.js';
import { simVerifier } from './sim/verifier.js';
import { nvidiaVerifier } from './nvidia/verifier.js';
import { tpmVerifier } from './tpm/verifier.js';
import { azureCvmVerifier } from './azure-cvm/verifier.js';

export interface VerifyEvidenceOptions {
  /** The TEE the caller expects; 'auto' (the default) takes whatever the bytes are. */
  tee?: 'auto' | TeeType;
}

const VERIFIERS: Record<TeeType, EvidenceVerifier<unknown>> = {
  sgx: sgxVerifier as EvidenceVerifier<unknown>,
  tdx: tdxVerifier as EvidenceVerifier<unknown>,
  'sev-snp': snpVerifier as EvidenceVerifier<unknown>,
  tpm: tpmVerifier as EvidenceVerifier<unknown>,
  sim: simVerifier as EvidenceVerifier<unknown>,
  nvidia: nvidiaVerifier as EvidenceVerifier<unknown>,
  'azure-cvm': azureCvmVerifier as EvidenceVerifier<unknown>,
};

const NAMES: Record<TeeType, string> = {
  sgx: 'an SGX quote',
  tdx: 'a TDX quote',
  'sev-snp': 'a SEV-SNP report',
  tpm: 'TPM evidence',
  sim: 'simulated evidence',
  nvidia: 'an NVIDIA GPU or NVSwitch report',
  'azure-cvm': 'Azure confidential VM evidence',
};

/** TEEs whose evidence signs a verifier's nonce: an NVIDIA device's SPDM request, a TPM quote's extraData (an Azure CVM's vTPM). */
const SIGNS_NONCE: ReadonlySet<TeeType> = new Set<TeeType>(['nvidia', 'tpm', 'azure-cvm']);

/** An expected nonce is read by the NVIDIA and TPM verifiers only: given for other evidence, it would bind nothing. */
function assertNonceApplies(tee: TeeType, ctx: VerifyContext): void {
  if (ctx.expectedNonce !== undefined && !SIGNS_NONCE.has(tee)) {
    throw new EvidenceError('ERR_USAGE', `an expected nonce binds NVIDIA GPU/NVSwitch, TPM and Azure CVM evidence only; ${NAMES[tee]} binds its report data (expectedReportData)`);
  }
}

/**
 * Decodes evidence (binary, hex or base64), detects its TEE and verifies it with that TEE's
 * verifier. Throws ERR_EVIDENCE_MALFORMED for bytes of no known format, ERR_EVIDENCE_UNSUPPORTED
 * when `options.tee` contradicts the bytes or the format is not verified yet (Azure HCL
 * reports alone; TPM evidence unless `options.tee` is 'tpm'), ERR_USAGE for an expected nonce with evidence
 * that signs none (not NVIDIA, TPM or Azure CVM), and whatever the TEE verifier throws (ERR_EVIDENCE_*, ERR_COLLATERAL_*).
 */
export async function verifyEvidence(bytes: Uint8Array, options: VerifyEvidenceOptions, ctx: VerifyContext): Promise<Claims> {
  ctx.trace?.begin('parse');
  return traced(ctx.trace, () => detectAndVerify(bytes, options, ctx));
}

/** TEEs whose verifiers record their own steps (ctx.trace); for the others the verdict is recorded as one step. */
const TRACES_STEPS: ReadonlySet<TeeType> = new Set<TeeType>(['sgx', 'tdx', 'sev-snp', 'tpm', 'azure-cvm', 'nvidia']);

async function parseAndVerify(verifier: EvidenceVerifier<unknown>, bytes: Uint8Array, ctx: VerifyContext, format: string): Promise<Claims> {
  const view = verifier.parse(bytes);
  ctx.trace?.record('parse', format, 'passed', `${NAMES[verifier.tee]} (${format}), ${bytes.length} bytes`);
  if (!ctx.trace || TRACES_STEPS.has(verifier.tee)) return verifier.verify(view, ctx);
  ctx.trace.begin('verify');
  const claims = await verifier.verify(view, ctx);
  ctx.trace.record('verify', verifier.tee, 'passed', `verified as a whole: this verifier records no steps of its own`);
  return claims;
}

async function detectAndVerify(bytes: Uint8Array, options: VerifyEvidenceOptions, ctx: VerifyContext): Promise<Claims> {
  const wanted = options.tee ?? 'auto';
  let found: DetectedEvidence;
  try {
    found = detectEvidence(bytes);
  } catch (err) {
    // With the TEE named, its own parser says more precisely what is wrong with the bytes.
    if (wanted !== 'auto' && isConfideError(err, 'ERR_EVIDENCE_MALFORMED')) {
      assertNonceApplies(wanted, ctx);
      return parseAndVerify(VERIFIERS[wanted], bytes, ctx, wanted);
    }
    throw err;
  }
  if (wanted !== 'auto' && wanted !== found.tee) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `expected ${NAMES[wanted]}, but the evidence is ${NAMES[found.tee]} (${found.format})`);
  }
  if (found.tee === 'tpm' && wanted !== 'tpm') {
    // A quote is only as trustworthy as its attestation key, which anyone can make: a caller
    // that takes whatever the bytes are must not be handed a TPM verdict it did not ask for.
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', 'the evidence is TPM evidence, which is verified only when asked for by name (tee: \'tpm\')');
  }
  if (found.format === 'tpm-attest') {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', 'the evidence is a TPMS_ATTEST alone; verify it with its signature, attestation key and PCR values (verifyTpmEvidence, or TPM evidence JSON: docs/tpm.md)');
  }
  if (found.format === 'nvidia-evidence-list') {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', 'the evidence is a list of NVIDIA devices: verify it with verifyNvidiaEvidenceList');
  }
  if (!found.supported) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `the evidence is an Azure HCL report (${found.tee}) alone; verify it with its vTPM quote (Azure CVM evidence JSON, or parseAzureCvmEvidence: docs/azure-cvm.md)`);
  }
  assertNonceApplies(found.tee, ctx);
  return parseAndVerify(VERIFIERS[found.tee], found.bytes, ctx, found.format);
}
