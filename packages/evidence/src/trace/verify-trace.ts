/**
 * What each check of a verification did, recorded by the verifier itself as it runs: an optional
 * collector in the context (`ctx.trace`). Verifiers call it as `ctx.trace?.…`, so without one no
 * argument is even built: the trace costs nothing unless asked for. Concurrent signature checks
 * are recorded with their own results (all of them, not only up to the first failure); a check
 * that throws is charged to the step running when it threw.
 */

/** The steps, in the order a verifier takes them (not every TEE has each). */
export type TraceStep =
  /** The bytes parse as the detected format. */
  | 'parse'
  /** The collateral the evidence needs was found (Intel TCB Info, QE Identity, CRLs; AMD VCEK/VLEK). */
  | 'collateral'
  /** Intel: the attestation key's signature over the quote's header and body; TPM: the AK's signature over each quote. */
  | 'quote-signature'
  /** Intel: the QE report binds the attestation key, and the PCK key signed the QE report. */
  | 'qe-report'
  /** Intel: the PCK chain, leaf to the pinned Intel SGX Root CA. */
  | 'pck-chain'
  /** Intel: the TCB Info / QE Identity issuer chain to the same root. */
  | 'collateral-chain'
  /** CRL signatures (Intel PCK and Root CA CRLs; AMD ARK CRL). */
  | 'crl'
  /** No certificate of the chains is listed in the CRLs. */
  | 'revocation'
  /** Intel: TCB Info signature, that it applies to this platform, and the TCB level matched. */
  | 'tcb-info'
  /** Intel: QE Identity signature, that the quote's QE is Intel's, and its level. */
  | 'qe-identity'
  /** Intel TDX: the TDX module's signer and level. */
  | 'tdx-module'
  /** The TCB status the levels combine to, with its advisories (a claim for policy). */
  | 'tcb-status'
  /** AMD: the VCEK/VLEK chain to the pinned ARK of the product. */
  | 'vek-chain'
  /** AMD: the VCEK/VLEK's signature over the report; NVIDIA: the leaf key's over the SPDM measurements. */
  | 'report-signature'
  /** AMD: the VCEK's TCB and chip ID extensions match the report's. */
  | 'tcb-binding'
  | 'chip-binding'
  /** The report data against the expected value (noted when none was given). */
  | 'report-data'
  /** TPM: the quotes of one request agree on the nonce, firmware and signer. */
  | 'quotes-agree'
  /** TPM: the PCR values given hash to each quote's PCR digest. */
  | 'pcr-digest'
  /** TPM and NVIDIA: the signed nonce against the expected nonce and report data (noted when none was given). */
  | 'nonce'
  /** TPM: the AK's own creation certification (TPM2_CertifyCreation) names the AK. */
  | 'ak-creation'
  /** TPM: the AK certificate certifies the AK, and each link of its chain up to a pinned TPM root. */
  | 'ak-chain'
  /** TPM: the event log replayed in each bank it shares with the quotes, against the quoted PCRs. */
  | 'event-log'
  /** Azure CVM: the hardware report is the paravisor's, binds the runtime data (with the vTPM's HCLAkPub), and (TDX) its TDREPORT. */
  | 'runtime-data'
  /** NVIDIA: the device certificate chain's structure and root pin, then each link's signature. */
  | 'device-chain'
  /** NVIDIA: the report's firmware ID (FWID) is one the leaf certificate was issued for. */
  | 'fwid-binding'
  /** NVIDIA: the signed measurement blocks (claims for policy, not judged here). */
  | 'measurements'
  /** Certificates, CRLs and TCB documents within their validity at the verification time (a claim). */
  | 'validity'
  /** A TEE whose verifier records no steps of its own: verified as a whole. */
  | 'verify';

export type TraceOutcome = 'passed' | 'failed' | 'noted';

export interface TraceEntry {
  step: TraceStep;
  /** Which check of the step: a certificate's CN, a CRL's name, 'signature', … */
  check: string;
  outcome: TraceOutcome;
  /** What was established, or why it failed. */
  detail: string;
  /** The error code of a failed check. */
  code?: string;
}

/** What verifiers call; TraceCollector is the one implementation. */
export interface VerifyTrace {
  /** The step now running: a throw before the next one begins is charged to it. */
  begin(step: TraceStep): void;
  /** One check's outcome; a failure closes the running step (the throw that follows is not charged twice). */
  record(step: TraceStep, check: string, outcome: TraceOutcome, detail: string, code?: string): void;
  /** Charges `err` to the running step, once; nothing when none runs. */
  fail(err: unknown): void;
}

/**
 * Runs `verify`, charging a throw to `trace`'s running step; without a trace it is `verify()`
 * itself, so an untraced verification pays nothing.
 */
export async function traced<T>(trace: VerifyTrace | undefined, verify: () => Promise<T>): Promise<T> {
  if (!trace) return verify();
  try {
    return await verify();
  } catch (err) {
    trace.fail(err);
    throw err;
  }
}

/** Collects the entries in the order the verifier made them. */
export class TraceCollector implements VerifyTrace {
  readonly entries: TraceEntry[] = [];
  #running: TraceStep | undefined;

  begin(step: TraceStep): void {
    this.#running = step;
  }

  record(step: TraceStep, check: string, outcome: TraceOutcome, detail: string, code?: string): void {
    this.entries.push(code === undefined ? { step, check, outcome, detail } : { step, check, outcome, detail, code });
    if (outcome === 'failed') this.#running = undefined;
  }

  fail(err: unknown): void {
    const step = this.#running;
    if (step === undefined) return;
    const code = (err as { code?: unknown } | null)?.code;
    this.record(step, step, 'failed', err instanceof Error ? err.message : String(err), typeof code === 'string' ? code : 'ERR_INTERNAL');
  }
}

/** Records `entries` (a collector's, run beside other work) into `trace` in their order. */
export function replayTrace(entries: readonly TraceEntry[], trace: VerifyTrace): void {
  for (const e of entries) trace.record(e.step, e.check, e.outcome, e.detail, e.code);
}
