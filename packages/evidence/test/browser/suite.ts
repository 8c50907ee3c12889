/**
 * The evidence suite that runs in Chromium as well as in Node (test/browser.test.ts): it imports
 * only the package and core, and verifies the evidence it is given, so the same code is judged
 * in both runtimes. Results are plain JSON: the claims, or the error code.
 */
import { fixedClock, fromBase64, isConfideError } from '@confide/core';
import { parseDcapQvlCollateral, verifyEvidence, type CollateralProvider } from '@confide/evidence';

export interface EvidenceCase {
  name: string;
  /** Base64 evidence bytes. */
  evidence: string;
  /** dcap-qvl collateral JSON (Intel). */
  intelCollateral?: string;
  /** Base64 DER VCEK (SEV-SNP). */
  vcek?: string;
  /** Verification time, ISO-8601. */
  at: string;
  /** The TEE to ask for ('tpm': TPM evidence is verified only when named). */
  tee?: 'tpm';
  /** Base64 DER TPM roots (TrustAnchors.tpmRoots). */
  tpmRoots?: string[];
}

export type EvidenceOutcome = { claims: unknown } | { code: string };

function provider(c: EvidenceCase): CollateralProvider {
  const intel = c.intelCollateral === undefined ? undefined : parseDcapQvlCollateral(c.intelCollateral);
  const vek = c.vcek === undefined ? undefined : fromBase64(c.vcek);
  return { intel: async () => intel, amd: async () => (vek ? { vek } : undefined) };
}

/** Verifies each case; a ConfideError becomes its code, anything else is rethrown. */
export async function verifyCases(cases: EvidenceCase[]): Promise<EvidenceOutcome[]> {
  const out: EvidenceOutcome[] = [];
  for (const c of cases) {
    try {
      const ctx = { clock: fixedClock(new Date(c.at)), collateral: provider(c), ...(c.tpmRoots ? { trustAnchors: { tpmRoots: c.tpmRoots.map(fromBase64) } } : {}) };
      out.push({ claims: await verifyEvidence(fromBase64(c.evidence), c.tee ? { tee: c.tee } : {}, ctx) });
    } catch (err) {
      if (!isConfideError(err)) throw err;
      out.push({ code: err.code });
    }
  }
  return out;
}
