/** The SEV-SNP verifier behind the common EvidenceVerifier interface. */
import type { EvidenceVerifier } from '../types.js';
import { parseSnpReport, type SnpReport } from './report.js';
import { verifySnpReport } from './verify-report.js';

/** Parses and verifies 1184-byte SEV-SNP attestation reports (versions 2, 3 and 5). */
export const snpVerifier: EvidenceVerifier<SnpReport> = {
  tee: 'sev-snp',
  parse: parseSnpReport,
  verify: verifySnpReport,
};
