/** JSON as the Azure CVM parts carry it: UTF-8, nesting bounded, a refusal naming the part. */
import { assertJsonDepth, fromUtf8 } from '@confide/core';
import { EvidenceError } from '../errors.js';

/** Parses UTF-8 JSON. Throws ERR_EVIDENCE_MALFORMED (details.field = `field`), ERR_LIMIT_EXCEEDED (nesting). */
export function readJson(bytes: Uint8Array, what: string, field: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${what}: not UTF-8 JSON`, { details: { field } });
  }
  assertJsonDepth(doc, 'MAX_JSON_DEPTH', what);
  return doc;
}
