/**
 * Offline verification of an exported audit log. Runtime-agnostic (WebCrypto and @confide/core
 * only), so the CLI and a browser console run the same code.
 *
 * A log that verifies is a gap-free chain from seq 1, every entry signed by the given key. Cutting
 * entries off the end leaves a valid shorter log: compare the returned head with one you trust
 * (the coordinator's current head, or one you noted earlier) to detect that.
 *
 * A coordinator that started over (its sealed state discarded) signs with a new key from an
 * `audit.epoch` entry on. That entry is signed by the new key and names the key before it, so
 * the given key, the newest one, vouches for the older parts: each part is checked under the
 * key the epoch entry after it names. The epochs are returned for the caller to show.
 */
import { fromBase64, fromHex, pemDecode, toArrayBuffer, type ConfideError } from '@confide/core';
import { AuditError } from './errors.js';
import { AUDIT_EPOCH_TYPE, AUDIT_GENESIS_HASH, auditEntryHash, type AuditEntry } from './entry.js';

/** The audit public key: a P-256 JWK (object or JSON text), SPKI DER bytes, or SPKI PEM text. */
export type AuditPublicKey = JsonWebKey | Uint8Array | string;

export interface AuditVerification {
  /** Entries verified. */
  count: number;
  /** seq of the last entry; 0 for an empty log. */
  headSeq: number;
  /** hash of the last entry; the genesis hash (64 zeros) for an empty log. */
  headHash: string;
  /** The audit.epoch entries: where the signing key changed, and to what. */
  epochs: AuditEpoch[];
}

/** One key change in the log. */
export interface AuditEpoch {
  seq: number;
  publicKeyJwk: JsonWebKey;
}

/** A head verified earlier: a continuation starts right after it. */
export interface AuditVerifyOptions {
  /**
   * The lines continue a log verified before up to this head (its seq and hash) under
   * `publicKey` (default: the key given for the lines): the first line must be seq + 1 with
   * prevHash = hash, and the entries before any epoch in the lines must be under that key. The caller keeps the verified lines and
   * checks they are unchanged; only the new ones are hashed and verified.
   */
  after?: { seq: number; hash: string; publicKey?: AuditPublicKey };
}

/** Why an entry failed, as given in details.reason. */
export type AuditFailure = 'malformed' | 'sequence' | 'hash' | 'chain' | 'signature' | 'key';

const HEX64 = /^[0-9a-f]{64}$/;
const ENTRY_FIELDS = ['actor', 'details', 'hash', 'prevHash', 'seq', 'sig', 'time', 'type'];
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

async function importPublicKey(key: AuditPublicKey): Promise<CryptoKey> {
  try {
    if (key instanceof Uint8Array) return await crypto.subtle.importKey('spki', toArrayBuffer(key), ECDSA_P256, true, ['verify']);
    if (typeof key === 'string') {
      const text = key.trim();
      if (text.startsWith('{')) return await importPublicKey(JSON.parse(text) as JsonWebKey);
      const spki = pemDecode(text, 'PUBLIC KEY') ?? fromBase64(text);
      return await crypto.subtle.importKey('spki', toArrayBuffer(spki), ECDSA_P256, true, ['verify']);
    }
    const { kty, crv, x, y } = key;
    return await crypto.subtle.importKey('jwk', { kty, crv, x, y }, ECDSA_P256, true, ['verify']);
  } catch (err) {
    throw new AuditError('ERR_INPUT_UNREADABLE', 'the audit public key is not a P-256 JWK, SPKI DER or SPKI PEM', { cause: err });
  }
}

/** The key an epoch entry names, or undefined when the field is not a P-256 public JWK. */
async function epochKey(value: unknown): Promise<CryptoKey | undefined> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { kty, crv, x, y } = value as JsonWebKey;
  if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') return undefined;
  try {
    return await crypto.subtle.importKey('jwk', { kty, crv, x, y }, ECDSA_P256, true, ['verify']);
  } catch {
    return undefined;
  }
}

/** The public point of a key as "x.y" (base64url), for comparing keys given in different forms. */
async function keyId(key: CryptoKey): Promise<string> {
  const jwk = await crypto.subtle.exportKey('jwk', key);
  return `${jwk.x}.${jwk.y}`;
}

/**
 * The key for each line: the parts between epoch entries, from the newest (the given key) back.
 * A line gets no key, with the reason in `why`, when its epoch entry names no usable key, the
 * key it names is not the key of the part after it, or an older part's key is not named.
 */
async function keysPerLine(
  entries: readonly (AuditEntry | undefined)[],
  given: CryptoKey,
  base: number,
): Promise<{ keys: Array<CryptoKey | undefined>; why: Map<number, string>; epochs: AuditEpoch[]; oldest: CryptoKey | undefined }> {
  const keys = new Array<CryptoKey | undefined>(entries.length);
  const why = new Map<number, string>();
  const epochs: AuditEpoch[] = [];
  let current: CryptoKey | undefined = given;
  let currentId = await keyId(given);
  let missing = '';
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    keys[i] = current;
    if (current === undefined) why.set(i, missing);
    if (entry?.type !== AUDIT_EPOCH_TYPE) continue;
    const named = await epochKey(entry.details.publicKeyJwk);
    // The epoch entry is signed by the key it announces, which must be the key of the part after it.
    if (named === undefined || current === undefined || (await keyId(named)) !== currentId) {
      keys[i] = undefined;
      why.set(i, named === undefined ? 'the epoch entry names no P-256 public key' : 'the epoch key is not the key of the entries after it');
    } else {
      epochs.unshift({ seq: base + i + 1, publicKeyJwk: await crypto.subtle.exportKey('jwk', named) });
    }
    const previous = entry.details.previousPublicKeyJwk;
    current = previous === null || previous === undefined ? undefined : await epochKey(previous);
    currentId = current ? await keyId(current) : '';
    missing = previous === null || previous === undefined ? 'the entries before this epoch have no named key' : 'the epoch entry after this names no P-256 previous key';
  }
  return { keys, why, epochs, oldest: current };
}

/** Parses one line into an entry with exactly the entry fields of the right types, or undefined. */
function parseEntry(line: string): AuditEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const e = value as Record<string, unknown>;
  const fields = Object.keys(e).sort();
  if (fields.length !== ENTRY_FIELDS.length || fields.some((f, i) => f !== ENTRY_FIELDS[i])) return undefined;
  const ok =
    typeof e.seq === 'number' &&
    Number.isSafeInteger(e.seq) &&
    typeof e.time === 'string' &&
    typeof e.type === 'string' &&
    typeof e.actor === 'string' &&
    typeof e.details === 'object' &&
    e.details !== null &&
    !Array.isArray(e.details) &&
    typeof e.prevHash === 'string' &&
    HEX64.test(e.prevHash) &&
    typeof e.hash === 'string' &&
    HEX64.test(e.hash) &&
    typeof e.sig === 'string';
  return ok ? (e as unknown as AuditEntry) : undefined;
}

interface Checked {
  entry: AuditEntry | undefined;
  computedHash: string;
  signatureValid: boolean;
}

async function check(entry: AuditEntry | undefined, key: CryptoKey | undefined): Promise<Checked> {
  if (entry === undefined) return { entry, computedHash: '', signatureValid: false };
  const computedHash = await auditEntryHash(entry);
  let signatureValid = false;
  if (key === undefined) return { entry, computedHash, signatureValid };
  try {
    const sig = fromBase64(entry.sig);
    // The signature covers the hash the entry claims; a claimed hash that differs from the computed one fails on its own.
    signatureValid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, toArrayBuffer(sig), toArrayBuffer(fromHex(entry.hash)));
  } catch {
    signatureValid = false;
  }
  return { entry, computedHash, signatureValid };
}

function invalid(seq: number, reason: AuditFailure, extra: Record<string, unknown> = {}): ConfideError {
  return new AuditError('ERR_AUDIT_LOG_INVALID', `audit log invalid at seq ${seq}: ${reason}`, { details: { seq, reason, ...extra } });
}

/**
 * Verifies an exported log (JSON lines, or one line per array item; blank lines ignored): seq
 * runs 1, 2, 3 ... without gaps, each hash matches its entry, each prevHash names the entry
 * before, each signature verifies under `publicKey`. Returns count and head.
 * Throws ERR_AUDIT_LOG_INVALID with details { seq, reason } where seq is the first position at
 * which the log breaks (for a missing or moved entry: the seq that should be there, with
 * `found` the seq that is; reason key: the key changes at an epoch entry that does not name the
 * keys on both sides), ERR_INPUT_UNREADABLE (public key). With `options.after`, the lines
 * continue a head verified before (AuditVerifyOptions); count is then the entries verified here.
 */
export async function verifyAuditLog(lines: string | readonly string[], publicKey: AuditPublicKey, options: AuditVerifyOptions = {}): Promise<AuditVerification> {
  const list = (typeof lines === 'string' ? lines.split('\n') : [...lines]).map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  const key = await importPublicKey(publicKey);
  const base = options.after?.seq ?? 0;
  const entries = list.map(parseEntry);
  const { keys, why, epochs, oldest } = await keysPerLine(entries, key, base);
  // A continuation's entries before its first epoch were signed by the key that verified the head before them.
  const headKey = options.after?.publicKey === undefined ? key : await importPublicKey(options.after.publicKey);
  if (options.after && entries.length > 0 && (oldest === undefined || (await keyId(oldest)) !== (await keyId(headKey)))) {
    const first = epochs[0]?.seq ?? base + 1;
    why.set(0, `the entries after seq ${base} up to the epoch at seq ${first} are not under the key that verified the log before them`);
  }
  // Hashes and signatures of all entries at once: WebCrypto runs them on the thread pool.
  const checked = await Promise.all(entries.map((entry, i) => check(entry, keys[i])));
  let prevHash = options.after?.hash ?? AUDIT_GENESIS_HASH;
  for (const [i, { entry, computedHash, signatureValid }] of checked.entries()) {
    const seq = base + i + 1;
    if (entry === undefined) throw invalid(seq, 'malformed');
    if (entry.seq !== seq) throw invalid(seq, 'sequence', { found: entry.seq });
    if (entry.hash !== computedHash) throw invalid(seq, 'hash');
    if (entry.prevHash !== prevHash) throw invalid(seq, 'chain');
    if (why.has(i)) throw invalid(seq, 'key', { why: why.get(i) });
    if (!signatureValid) throw invalid(seq, 'signature');
    prevHash = entry.hash;
  }
  return { count: checked.length, headSeq: base + checked.length, headHash: prevHash, epochs };
}

