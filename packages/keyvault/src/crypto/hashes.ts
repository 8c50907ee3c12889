/** Hash functions the signature algorithms name, with their lengths and DigestInfo prefixes. */
import { createHash } from 'node:crypto';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export const HASH_LENGTH: Record<HashName, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/** DER of DigestInfo up to the digest (RFC 8017 section 9.2, note 1). */
export const DIGEST_INFO_PREFIX: Record<Exclude<HashName, 'sha1'>, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

export function hash(name: HashName, ...parts: Uint8Array[]): Buffer {
  const h = createHash(name);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** MGF1 (RFC 8017 B.2.1). */
export function mgf1(name: HashName, seed: Uint8Array, length: number): Buffer {
  const out: Buffer[] = [];
  let produced = 0;
  for (let counter = 0; produced < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = hash(name, seed, c);
    out.push(block);
    produced += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}
