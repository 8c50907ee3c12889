/**
 * TCB Info and QE Identity parsed once per exact body text. Called only after the body's
 * signature verified, so only Intel-signed bodies that parsed are kept; the values are frozen,
 * since every later evaluation of the same body shares them.
 */
import { deepFreeze, remember } from '../../memo/cache.js';
import { parseQeIdentity, type QeIdentity } from './qe-identity.js';
import { parseTcbInfo, type TcbInfo } from './tcb-info.js';

const MAX_PARSED = 32;
const tcbInfos = new Map<string, TcbInfo>();
const qeIdentities = new Map<string, QeIdentity>();

function parsedOnce<T>(cache: Map<string, T>, body: string, parse: (body: string) => T): T {
  const hit = cache.get(body);
  if (hit !== undefined) return hit;
  const value = deepFreeze(parse(body));
  remember(cache, body, value, MAX_PARSED);
  return value;
}

/** parseTcbInfo, remembered by the body text. Throws ERR_COLLATERAL_MALFORMED. */
export function signedTcbInfo(body: string): TcbInfo {
  return parsedOnce(tcbInfos, body, parseTcbInfo);
}

/** parseQeIdentity, remembered by the body text. Throws ERR_COLLATERAL_MALFORMED. */
export function signedQeIdentity(body: string): QeIdentity {
  return parsedOnce(qeIdentities, body, parseQeIdentity);
}
