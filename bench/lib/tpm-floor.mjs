/**
 * The work verifying a GCE TPM attestation needs at the least: each quote's RSASSA signature
 * by the AK, the two links of the AK certificate chain (AK certificate by the intermediate, the
 * intermediate by the pinned root), and the hashing the event-log replay needs (one digest per
 * extending event per bank, each extend waiting for the one before it in the same PCR, as
 * PCR = H(PCR || digest) must, hashed synchronously with node:crypto while WebCrypto's threads
 * check the signatures) plus each quote's PCR digest. Parsing, the claims and the event data checks are ours alone.
 */
import { Buffer } from 'node:buffer';
import { createHash, webcrypto } from 'node:crypto';
import { signedObject } from './der.mjs';

const { subtle } = webcrypto;
const BANKS = { 0x0004: ['SHA-1', 20], 0x000b: ['SHA-256', 32], 0x000c: ['SHA-384', 48] };
const EV_NO_ACTION = 3;
const NODE_HASH = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384' };
const RSASSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/** The extend chains a replay hashes: one per bank and PCR, each a list of event digests, from a crypto-agile log. */
function replayChains(log) {
  const dv = new DataView(log.buffer, log.byteOffset, log.byteLength);
  let o = 32 + dv.getUint32(28, true); // after the SHA-1-format Spec ID event
  const chains = new Map();
  while (o < log.length) {
    const pcr = dv.getUint32(o, true);
    const type = dv.getUint32(o + 4, true);
    const count = dv.getUint32(o + 8, true);
    o += 12;
    for (let i = 0; i < count; i++) {
      const [hash, size] = BANKS[dv.getUint16(o, true)];
      if (type !== EV_NO_ACTION) {
        const key = `${hash}/${pcr}`;
        if (!chains.has(key)) chains.set(key, { hash, size, digests: [] });
        chains.get(key).digests.push(log.subarray(o + 2, o + 2 + size));
      }
      o += 2 + size;
    }
    o += 4 + dv.getUint32(o, true);
  }
  return [...chains.values()];
}

/** One PCR's extends with node:crypto's synchronous hashes, the fastest this machine has for 40-128 byte inputs (faster than a WebCrypto hop per digest). */
function replay({ hash, size, digests }) {
  const algorithm = NODE_HASH[hash];
  let pcr = new Uint8Array(size);
  for (const d of digests) pcr = createHash(algorithm).update(pcr).update(d).digest();
  return pcr;
}

/**
 * { op } running the floor of `parts` (quotes, AK TPMT_PUBLIC, event log, AK certificate and
 * intermediate) with `root` (DER), and `kinds` describing it; { reason } when a check fails.
 */
export async function tpmFloor(parts, root) {
  // TPMT_PUBLIC of an RSA-2048 AK with the RSASSA scheme: the modulus starts at byte 24.
  const n = parts.ak.subarray(24, 24 + 256);
  const ak = await subtle.importKey('jwk', { kty: 'RSA', n: Buffer.from(n).toString('base64url'), e: 'AQAB' }, RSASSA_SHA256, false, ['verify']);
  const [leaf, intermediate, anchor] = [...parts.akCertificates, root].map((der) => signedObject(der));
  const issuerKeys = await Promise.all([intermediate, anchor].map((c) => subtle.importKey('spki', c.spki, RSASSA_SHA256, false, ['verify'])));
  const checks = [
    ...parts.quotes.map((q) => ({ key: ak, signature: q.signature.subarray(6), data: q.quote })),
    { key: issuerKeys[0], signature: leaf.signature, data: leaf.tbs },
    { key: issuerKeys[1], signature: intermediate.signature, data: intermediate.tbs },
  ];
  const chains = replayChains(parts.eventLog);
  const extends_ = chains.reduce((n, c) => n + c.digests.length, 0);
  const pcrDigests = parts.quotes.map(() => new Uint8Array(24 * 48));
  const op = async () => {
    // The signatures go to WebCrypto's threads first, then the hashing runs here meanwhile.
    const verified = Promise.all(checks.map((c) => subtle.verify('RSASSA-PKCS1-v1_5', c.key, c.signature, c.data)));
    for (const chain of chains) replay(chain);
    for (const data of pcrDigests) createHash('sha256').update(data).digest();
    const ok = await verified;
    if (ok.includes(false)) throw new Error('a floor signature does not verify');
  };
  try {
    await op();
  } catch (err) {
    return { reason: err.message };
  }
  return { impl: { op }, count: checks.length, kinds: `${checks.length} × RSASSA-PKCS1/SHA-256 + ${extends_} extends in ${chains.length} PCR chains + ${pcrDigests.length} PCR digests` };
}
