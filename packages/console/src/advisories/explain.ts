/** An advisory ID explained from the bundled texts, with its vendor page; a fallback for IDs the console does not know. */
import { ADVISORY_TEXTS } from './advisory-texts.js';

export interface AdvisoryExplained {
  id: string;
  /** Whether the console bundles a text for this ID. */
  known: boolean;
  issue: string | undefined;
  text: string;
  /** The vendor's page for the ID, when its form says which vendor (a link the user follows, never fetched). */
  url: string | undefined;
}

/** The vendor page of an advisory ID: Intel's INTEL-SA-nnnnn, AMD's AMD-SB-nnnn; undefined for another form. */
export function advisoryUrl(id: string): string | undefined {
  const intel = /^INTEL-SA-(\d{5})$/i.exec(id);
  if (intel) return `https://www.intel.com/content/www/us/en/security-center/advisory/intel-sa-${intel[1]}.html`;
  const amd = /^AMD-SB-(\d{4,5})$/i.exec(id);
  if (amd) return `https://www.amd.com/en/resources/product-security/bulletin/amd-sb-${amd[1]}.html`;
  return undefined;
}

export function explainAdvisory(id: string): AdvisoryExplained {
  const entry = ADVISORY_TEXTS[id.toUpperCase()];
  const url = advisoryUrl(id);
  if (entry) return { id, known: true, issue: entry.issue, text: entry.text, url };
  return {
    id,
    known: false,
    issue: undefined,
    text: url ? "This console has no text for this advisory yet: the vendor's page explains it." : "This console has no text for this advisory, and its form names no vendor page.",
    url,
  };
}
