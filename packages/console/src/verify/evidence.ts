/**
 * Evidence verified in the page by @confide/evidence, exactly as the server's verifier runs it:
 * the bytes as given (binary, hex or base64; the package decodes them), collateral from the files
 * or text the user gave (dcap-qvl JSON, VCEK/VLEK certificates, PEM chains), the package's own
 * pinned vendor roots (never the server's), at the chosen time.
 */
import { fixedClock, fromBase64, fromHex, fromUtf8, utf8 } from '@confide/core';
import { collateralItemsFromBytes, detectEvidence, memoryCollateral, TraceCollector, verifyEvidence, VerifyCache, type Claims, type CollateralItem, type DetectedEvidence, type TraceEntry } from '@confide/evidence';

/** Evidence and collateral as the user gave them. */
export interface EvidenceInput {
  /** The evidence bytes: a file's bytes, or the pasted text's UTF-8 (hex or base64). */
  evidence: Uint8Array;
  /** Each collateral file's bytes or pasted text's UTF-8. */
  collateral: Uint8Array[];
  /** Verification time; default now. */
  at?: Date | undefined;
  /** Expected leading report data, hex. */
  reportDataHex?: string | undefined;
}

export interface PageVerification {
  detected: DetectedEvidence | undefined;
  claims: Claims | undefined;
  failure: unknown;
  /** Milliseconds verifyEvidence took (parsing the collateral excluded). */
  ms: number;
  at: Date;
  /** What each check did, recorded by the verifier as it ran (its step trace). */
  trace: TraceEntry[];
}

function collateralOf(inputs: Uint8Array[]): CollateralItem[] {
  const items: CollateralItem[] = [];
  inputs.forEach((bytes, i) => {
    const found = collateralItemsFromBytes(bytes);
    if (found === undefined) throw Object.assign(new Error(`collateral ${i + 1} is not collateral (dcap-qvl JSON, a certificate or a PEM chain)`), { code: 'ERR_COLLATERAL_MALFORMED' });
    items.push(...found);
  });
  return items;
}

/** Verifies in the page; a failure (ERR_EVIDENCE_*, ERR_COLLATERAL_*) is returned, not thrown. */
export async function verifyInPage(input: EvidenceInput): Promise<PageVerification> {
  const at = input.at ?? new Date();
  let detected: DetectedEvidence | undefined;
  try {
    detected = detectEvidence(input.evidence);
  } catch {
    detected = undefined;
  }
  const trace = new TraceCollector();
  try {
    const collateral = memoryCollateral(collateralOf(input.collateral));
    const expectedReportData = input.reportDataHex ? fromHex(input.reportDataHex) : undefined;
    const started = performance.now();
    // A cache of its own: every click verifies every signature again, rather than recalling an earlier verdict.
    const claims = await verifyEvidence(input.evidence, {}, { clock: fixedClock(at), collateral, cache: new VerifyCache(), trace, ...(expectedReportData ? { expectedReportData } : {}) });
    return { detected, claims, failure: undefined, ms: performance.now() - started, at, trace: trace.entries };
  } catch (failure) {
    return { detected, claims: undefined, failure, ms: 0, at, trace: trace.entries };
  }
}

/** The MAA attestation type and body field for detected evidence (POST /attest/{type}). */
export function attestRequestFor(detected: DetectedEvidence): { type: string; field: 'quote' | 'report' } | undefined {
  switch (detected.tee) {
    case 'sgx':
      return detected.format === 'oe-sgx-quote' ? { type: 'OpenEnclave', field: 'report' } : { type: 'SgxEnclave', field: 'quote' };
    case 'tdx':
      return { type: 'TdxVm', field: 'quote' };
    case 'sev-snp':
      return { type: 'SevSnpVm', field: 'report' };
    case 'sim':
      return { type: 'Simulated', field: 'quote' };
    case 'nvidia':
      return { type: 'NvidiaGpu', field: 'report' };
    case 'tpm':
      return { type: 'Tpm', field: 'report' };
    default:
      return undefined;
  }
}

/** Text pasted into a field, as bytes for the verifier (which reads hex and base64 itself). */
export function textBytes(text: string): Uint8Array {
  return utf8(text.trim());
}

/** The evidence bytes as the server's API takes them (base64url of the binary; JSON evidence as its text). */
export function wireBytes(input: Uint8Array, detected: DetectedEvidence): Uint8Array {
  if (detected.encoding === 'binary' || detected.encoding === 'json') return input;
  const text = fromUtf8(input).trim();
  return detected.encoding === 'hex' ? fromHex(text) : fromBase64(text);
}
