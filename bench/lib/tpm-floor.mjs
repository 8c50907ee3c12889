/**
 * The work verifying a GCE TPM attestation needs at the least: each quote's RSASSA signature
 * by the AK, the two links of the AK certificate chain (AK certificate by the intermediate, the
 * intermediate by the pinned root), and the hashing the event-log replay needs (one digest per
 * extending event per bank, each extend waiting for the one before it in the same PCR, as
 * PCR = H(PCR || digest) must) plus each quote's PCR digest. The checks go to libuv's pool
 * through node:crypto's verify first (cheaper than WebCrypto's, per call, in CPU and time), and
 * the hashing runs meanwhile with node:crypto's one-shot synchronous hash (its cheapest output). Parsing, the claims
 * and the event data checks are ours alone.
 */
import { Buffer } from 'node:buffer';
import { createPublicKey, hash, verify } from 'node:crypto';
import { signedObject } from './der.mjs';

const BANKS = { 0x0004: ['sha1', 20], 0x000b: ['sha256', 32], 0x000c: ['sha384', 48] };
const EV_NO_ACTION = 3;

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

/**
 * One PCR's extends: PCR || digest in one buffer, hashed in one call each (no Hash object per
 * extend), the result copied back over the PCR half from the hash's 'binary' (latin1) string: on
 * Node 20 that costs about a quarter of the 'buffer' output, which allocates a native buffer per call.
 */
function replay({ hash: algorithm, size, digests }) {
  const input = new Uint8Array(size * 2);
  for (const d of digests) {
    input.set(d, size);
    const pcr = hash(algorithm, input, 'binary');
    for (let i = 0; i < size; i++) input[i] = pcr.charCodeAt(i);
  }
  return input.subarray(0, size);
}

/** One RSASSA-PKCS1-v1_5/SHA-256 check on libuv's pool. */
function verifyOnPool({ key, signature, data }) {
  return new Promise((resolve, reject) => verify('sha256', data, key, signature, (err, ok) => (err ? reject(err) : resolve(ok))));
}

/**
 * { op } running the floor of `parts` (quotes, AK TPMT_PUBLIC, event log, AK certificate and
 * intermediate) with `root` (DER), and `kinds` describing it; { reason } when a check fails.
 */
export async function tpmFloor(parts, root) {
  // TPMT_PUBLIC of an RSA-2048 AK with the RSASSA scheme: the modulus starts at byte 24.
  const n = parts.ak.subarray(24, 24 + 256);
  const ak = createPublicKey({ key: { kty: 'RSA', n: Buffer.from(n).toString('base64url'), e: 'AQAB' }, format: 'jwk' });
  const [leaf, intermediate, anchor] = [...parts.akCertificates, root].map((der) => signedObject(der));
  const issuerKeys = [intermediate, anchor].map((c) => createPublicKey({ key: Buffer.from(c.spki), format: 'der', type: 'spki' }));
  const checks = [
    ...parts.quotes.map((q) => ({ key: ak, signature: q.signature.subarray(6), data: q.quote })),
    { key: issuerKeys[0], signature: leaf.signature, data: leaf.tbs },
    { key: issuerKeys[1], signature: intermediate.signature, data: intermediate.tbs },
  ];
  const chains = replayChains(parts.eventLog);
  const extends_ = chains.reduce((n, c) => n + c.digests.length, 0);
  const pcrDigests = parts.quotes.map(() => new Uint8Array(24 * 48));
  const op = async () => {
    // The signatures go to the pool first, then the hashing runs here meanwhile.
    const verified = Promise.all(checks.map(verifyOnPool));
    for (const chain of chains) replay(chain);
    for (const data of pcrDigests) hash('sha256', data, 'binary');
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
