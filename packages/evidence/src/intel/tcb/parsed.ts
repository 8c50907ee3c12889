/**
 * TCB Info and QE Identity parsed once per exact body text. Called only after the body's
 * signature verified, so only Intel-signed bodies that parsed are kept; the values are frozen,
 * since every later evaluation of the same body shares them.
 */
import { deepFreeze } from '@confide/core';
import { defaultVerifyCache, type VerifyCache } from '../../memo/verify-cache.js';
import { parseQeIdentity, type QeIdentity } from './qe-identity.js';
import { parseTcbInfo, type TcbInfo } from './tcb-info.js';

/** A parsed document is charged this many times its text (two bytes a character, then the parsed objects). */
const PARSED_BYTES_PER_CHAR = 6;

function parsedOnce<T>(cache: VerifyCache, kind: string, body: string, parse: (body: string) => T): T {
  const hit = cache.get<T>(kind, body);
  if (hit !== undefined) return hit;
  const value = deepFreeze(parse(body));
  cache.set(kind, body, value, body.length * PARSED_BYTES_PER_CHAR);
  return value;
}

/** parseTcbInfo, remembered by the body text. Throws ERR_COLLATERAL_MALFORMED. */
export function signedTcbInfo(body: string, cache: VerifyCache = defaultVerifyCache): TcbInfo {
  return parsedOnce(cache, 'tcbInfo', body, parseTcbInfo);
}

/** parseQeIdentity, remembered by the body text. Throws ERR_COLLATERAL_MALFORMED. */
export function signedQeIdentity(body: string, cache: VerifyCache = defaultVerifyCache): QeIdentity {
  return parsedOnce(cache, 'qeIdentity', body, parseQeIdentity);
}
