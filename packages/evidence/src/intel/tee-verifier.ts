/** One EvidenceVerifier per Intel TEE over the shared DCAP quote verifier. */
import { EvidenceError } from '../errors.js';
import type { EvidenceVerifier } from '../types.js';
import { parseIntelQuote } from './quote-parser.js';
import type { IntelQuote, IntelTeeType } from './quote-types.js';
import { verifyIntelQuote } from './verify-quote.js';

function assertTee(quote: IntelQuote, tee: IntelTeeType): IntelQuote {
  if (quote.tee !== tee) throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `expected a quote of TEE type ${tee.toUpperCase()}, got ${quote.tee.toUpperCase()}`);
  return quote;
}

/** A verifier accepting only quotes of TEE type `tee`; a quote of the other type throws ERR_EVIDENCE_UNSUPPORTED. */
export function intelTeeVerifier(tee: IntelTeeType): EvidenceVerifier<IntelQuote> {
  return {
    tee,
    parse: (bytes) => assertTee(parseIntelQuote(bytes), tee),
    verify: async (view, ctx) => verifyIntelQuote(assertTee(view, tee), ctx),
  };
}
