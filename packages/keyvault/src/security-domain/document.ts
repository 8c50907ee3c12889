/**
 * The security domain document: the vault root key split k-of-n (Shamir over GF(256)), each share
 * encrypted with RSA-OAEP-256 to one operator's RSA public key. The document also carries each
 * share's SHA-256 (a share altered after decryption is refused by name) and a check value of the
 * root (SHA-256 over a label and the root: a wrong combination is refused, and a 256-bit random
 * root cannot be found from it). JSON, base64url bytes. docs/keyvault-security-domain.md.
 */
import { constants, createHash, createPublicKey, privateDecrypt, publicEncrypt, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { KeyVaultError } from '../errors.js';
import { combineShares, splitSecret, type Share } from './shamir.js';

export const SECURITY_DOMAIN_KIND = 'confide-security-domain';
/** Managed HSM's bounds: 3 to 10 keys, a quorum of 2 to 10. */
export const SECURITY_DOMAIN_LIMITS = { minKeys: 3, maxKeys: 10, minQuorum: 2, minRsaBits: 2048 } as const;

const ROOT_CHECK_LABEL = 'confide-security-domain-root-v1';

export interface SecurityDomainShare {
  x: number;
  /** base64url SHA-256 of the operator key's SubjectPublicKeyInfo DER: which private key opens it. */
  keyThumbprint: string;
  /** base64url SHA-256 of x || y. */
  digest: string;
  /** base64url RSA-OAEP-256 of y. */
  encrypted: string;
}

export interface SecurityDomainDocument {
  kind: typeof SECURITY_DOMAIN_KIND;
  version: 1;
  required: number;
  rootCheck: string;
  shares: SecurityDomainShare[];
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

function invalid(message: string): KeyVaultError {
  return new KeyVaultError('ERR_SECURITY_DOMAIN_INVALID', `security domain: ${message}`);
}

/** SHA-256 of a public key's SPKI DER, base64url. */
export function keyThumbprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return b64(sha256(pub.export({ type: 'spki', format: 'der' })));
}

const shareDigest = (x: number, y: Uint8Array): string => b64(sha256(Uint8Array.of(x), y));
const rootCheckOf = (root: Uint8Array): string => b64(sha256(new TextEncoder().encode(ROOT_CHECK_LABEL), root));

/** Splits `root` to `keys` (RSA public keys, 3 to 10, 2048 bits or more) with a quorum of `required`. Throws ERR_SECURITY_DOMAIN_INVALID. */
export function createSecurityDomain(root: Uint8Array, keys: readonly KeyObject[], required: number): SecurityDomainDocument {
  const { minKeys, maxKeys, minQuorum, minRsaBits } = SECURITY_DOMAIN_LIMITS;
  if (keys.length < minKeys || keys.length > maxKeys) throw invalid(`needs ${minKeys} to ${maxKeys} RSA public keys, got ${keys.length}`);
  if (!Number.isInteger(required) || required < minQuorum || required > keys.length) throw invalid(`the quorum must be ${minQuorum} to ${keys.length}, got ${required}`);
  const thumbprints = new Set<string>();
  for (const k of keys) {
    if (k.asymmetricKeyType !== 'rsa' || (k.asymmetricKeyDetails?.modulusLength ?? 0) < minRsaBits) throw invalid(`every key must be RSA of ${minRsaBits} bits or more`);
    thumbprints.add(keyThumbprint(k));
  }
  if (thumbprints.size !== keys.length) throw invalid('the same key is given twice: its holder would hold two shares');
  const shares = splitSecret(root, keys.length, required, (n) => new Uint8Array(randomBytes(n)));
  return {
    kind: SECURITY_DOMAIN_KIND,
    version: 1,
    required,
    rootCheck: rootCheckOf(root),
    shares: shares.map((s, i) => ({
      x: s.x,
      keyThumbprint: keyThumbprint(keys[i]!),
      digest: shareDigest(s.x, s.y),
      encrypted: b64(publicEncrypt({ key: keys[i]!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, s.y)),
    })),
  };
}

/** Reads a document (JSON text or value). Throws ERR_SECURITY_DOMAIN_INVALID. */
export function parseSecurityDomain(input: unknown): SecurityDomainDocument {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch {
      throw invalid('not JSON');
    }
  }
  const d = doc as Partial<SecurityDomainDocument> | null;
  if (!d || d.kind !== SECURITY_DOMAIN_KIND || d.version !== 1 || !Number.isInteger(d.required) || typeof d.rootCheck !== 'string' || !Array.isArray(d.shares)) throw invalid(`not a ${SECURITY_DOMAIN_KIND} version 1 document`);
  for (const s of d.shares) {
    if (!s || !Number.isInteger(s.x) || s.x < 1 || s.x > 255 || typeof s.keyThumbprint !== 'string' || typeof s.digest !== 'string' || typeof s.encrypted !== 'string') throw invalid('a share entry is malformed');
  }
  if (d.required! < SECURITY_DOMAIN_LIMITS.minQuorum || d.required! > d.shares.length) throw invalid('the quorum does not fit the shares');
  return d as SecurityDomainDocument;
}

/** The share `privateKey` opens (the operator's step, offline). Throws ERR_SECURITY_DOMAIN_INVALID when the document holds none for it. */
export function decryptShare(doc: SecurityDomainDocument, privateKey: KeyObject): Share {
  const thumb = keyThumbprint(privateKey);
  const entry = doc.shares.find((s) => s.keyThumbprint === thumb);
  if (!entry) throw invalid('no share is encrypted to this key');
  try {
    return { x: entry.x, y: new Uint8Array(privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(entry.encrypted, 'base64url'))) };
  } catch {
    throw invalid(`share ${entry.x} does not decrypt with this key`);
  }
}

/**
 * The root key from decrypted shares: each must match its digest in the document
 * (ERR_SECURITY_DOMAIN_SHARE_INVALID, details `x`), at least `required` distinct ones are needed
 * (ERR_SECURITY_DOMAIN_SHARES_INSUFFICIENT), and the result must match the root check.
 */
export function recoverRoot(doc: SecurityDomainDocument, shares: readonly Share[]): Uint8Array {
  const byX = new Map<number, Share>();
  for (const s of shares) {
    const entry = doc.shares.find((e) => e.x === s.x);
    const digest = Buffer.from(shareDigest(s.x, s.y), 'base64url');
    const expected = entry ? Buffer.from(entry.digest, 'base64url') : undefined;
    if (!expected || expected.length !== digest.length || !timingSafeEqual(expected, digest)) {
      throw new KeyVaultError('ERR_SECURITY_DOMAIN_SHARE_INVALID', `share ${s.x} is not a share of this security domain (altered or from another one)`, { details: { x: s.x } });
    }
    byX.set(s.x, s);
  }
  if (byX.size < doc.required) throw new KeyVaultError('ERR_SECURITY_DOMAIN_SHARES_INSUFFICIENT', `${byX.size} distinct share(s) given; the quorum is ${doc.required}`, { details: { given: byX.size, required: doc.required } });
  const root = combineShares([...byX.values()]);
  const check = Buffer.from(rootCheckOf(root), 'base64url');
  const expected = Buffer.from(doc.rootCheck, 'base64url');
  if (expected.length !== check.length || !timingSafeEqual(expected, check)) throw new KeyVaultError('ERR_SECURITY_DOMAIN_SHARE_INVALID', 'the shares do not combine to the root this document was made from');
  return root;
}
