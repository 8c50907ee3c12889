/** Reads `applicationClaims` from a receipt document strictly (the shapes in application-claims.ts). */
import { arrayAt, malformed, objectWith, stringAt, type JsonObject } from '../json/strict.js';
import type { ApplicationClaim } from './application-claims.js';

/** The claims of a receipt document; at least one (an empty list has no claims digest to check). Throws ERR_LEDGER_RECEIPT_MALFORMED. */
export function parseApplicationClaims(doc: JsonObject, at: string): ApplicationClaim[] {
  const list = arrayAt(doc, 'applicationClaims', at);
  if (list.length === 0) throw malformed(`${at}.applicationClaims`, 'empty');
  return list.map((item, i): ApplicationClaim => {
    const where = `${at}.applicationClaims[${i}]`;
    const kind = objectWith(item, where, ['kind'], ['ledgerEntry', 'digest']).kind;
    if (kind === 'LedgerEntry') {
      const c = objectWith(item, where, ['kind', 'ledgerEntry']);
      const e = objectWith(c.ledgerEntry, `${where}.ledgerEntry`, ['collectionId', 'contents', 'protocol', 'secretKey']);
      const w = `${where}.ledgerEntry`;
      return { kind, ledgerEntry: { collectionId: stringAt(e, 'collectionId', w), contents: stringAt(e, 'contents', w), protocol: stringAt(e, 'protocol', w), secretKey: stringAt(e, 'secretKey', w) } };
    }
    if (kind === 'ClaimDigest') {
      const c = objectWith(item, where, ['kind', 'digest']);
      const d = objectWith(c.digest, `${where}.digest`, ['protocol', 'value']);
      return { kind, digest: { protocol: stringAt(d, 'protocol', `${where}.digest`), value: stringAt(d, 'value', `${where}.digest`) } };
    }
    throw malformed(`${where}.kind`, `unknown claim kind ${JSON.stringify(kind)}`);
  });
}
