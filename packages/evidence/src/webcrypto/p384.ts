/**
 * ECDSA P-384 / SHA-384 on WebCrypto for SPKI keys: NVIDIA's device PKI and its SPDM reports.
 * Keys are imported once per distinct SPKI (the same slot as SEV-SNP's VCEK imports), and
 * verified certificate links are remembered, because every GPU and NVSwitch of a machine sends
 * the same intermediate and root certificates.
 */
import { byteKey, sameBytes } from '../memo/cache.js';
import { defaultVerifyCache, WEBCRYPTO_SCOPE, type VerifyCache } from '../memo/verify-cache.js';
import { importKeyCached } from './key-cache.js';

const P384 = { name: 'ECDSA', namedCurve: 'P-384' } as const;
const VERIFY = { name: 'ECDSA', hash: 'SHA-384' } as const;
/** What a remembered verdict is charged besides the bytes it holds. */
const VERDICT_OVERHEAD_BYTES = 128;

/** The imported key for a P-384 SPKI, from the cache when seen before. Rejects when WebCrypto refuses it. */
export function importP384Spki(spki: Uint8Array, cache: VerifyCache = defaultVerifyCache): Promise<CryptoKey> {
  return importKeyCached(cache, 'spki-ec-p384', spki, () => crypto.subtle.importKey('spki', spki as Uint8Array<ArrayBuffer>, P384, false, ['verify']));
}

/** True when `signature` (raw r||s, 96 bytes) over `data` verifies under `spki`; false for a bad signature or an unusable key. */
export async function verifyP384(spki: Uint8Array, signature: Uint8Array, data: Uint8Array, cache: VerifyCache = defaultVerifyCache): Promise<boolean> {
  try {
    return await crypto.subtle.verify(VERIFY, await importP384Spki(spki, cache), signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

/**
 * As verifyP384, remembering successes by the exact (key, signature, data) bytes: for
 * certificates, which recur unchanged. A failure is never remembered.
 */
export async function verifyP384Recurring(spki: Uint8Array, signature: Uint8Array, data: Uint8Array, cache: VerifyCache = defaultVerifyCache): Promise<boolean> {
  const region = `p384:${WEBCRYPTO_SCOPE}`;
  const id = byteKey(signature);
  const hit = cache.get<{ spki: Uint8Array; data: Uint8Array }>(region, id);
  if (hit !== undefined && sameBytes(hit.spki, spki) && sameBytes(hit.data, data)) return true;
  const entry = { spki: spki.slice(), data: data.slice() };
  const ok = await verifyP384(entry.spki, signature, entry.data, cache);
  if (ok) cache.set(region, id, entry, entry.spki.length + entry.data.length + signature.length + VERDICT_OVERHEAD_BYTES);
  return ok;
}
