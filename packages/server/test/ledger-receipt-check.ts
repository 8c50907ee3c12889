/**
 * A receipt check written in the test from CCF's and the Confidential Ledger's published rules,
 * with node:crypto only, sharing no code with @confide/ledger:
 * - microsoft/CCF doc/use_apps/verify_tx.rst and python/src/ccf/receipt.py: leaf = SHA-256(writeSetDigest ‖
 *   SHA-256(commitEvidence) ‖ claimsDigest); fold {left} → SHA-256(left ‖ h), {right} → SHA-256(h ‖ right);
 *   the signature is ECDSA by the node key over the root as a pre-hashed SHA-256 digest (verified here as
 *   ECDSA-with-SHA-256 over the fold's last preimage, whose SHA-256 is the root); nodeId = SHA-256 of the
 *   node certificate's SPKI; the node certificate is signed by the service identity (no endorsements);
 * - Azure/azure-sdk-for-python azure/confidentialledger/receipt/_claims_digest_computation.py: claimsDigest =
 *   SHA-256(uint32le(count) ‖ SHA-256("LedgerEntryV1" ‖ SHA-256(HMAC(key, collectionId) ‖ HMAC(key, contents)))).
 * Strict like the service's output: lower-case 64-digit hex, canonical base64 and PEM, no unknown member.
 */
import { createHash, createHmac, verify, X509Certificate } from 'node:crypto';

const H = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
const HEX64 = /^[0-9a-f]{64}$/;

function hex(v: unknown): Buffer {
  if (typeof v !== 'string' || !HEX64.test(v)) throw new Error('not 64 lower-case hex digits');
  return Buffer.from(v, 'hex');
}

function b64(v: unknown): Buffer {
  if (typeof v !== 'string') throw new Error('not base64');
  const out = Buffer.from(v, 'base64');
  if (out.toString('base64') !== v) throw new Error('not canonical base64');
  return out;
}

function keys(o: unknown, allowed: string[]): Record<string, unknown> {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error('not an object');
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new Error(`unknown member ${k}`);
  return o as Record<string, unknown>;
}

function canonicalCert(pem: unknown): X509Certificate {
  if (typeof pem !== 'string') throw new Error('no certificate');
  const cert = new X509Certificate(pem);
  const body = cert.raw.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');
  if (pem !== `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`) throw new Error('not canonical PEM');
  return cert;
}

/** Throws unless `text` is a Ready receipt document for `transactionId` that verifies against `identityPem`. */
export function independentReceiptCheck(text: string, identityPem: string, transactionId: string): void {
  const doc = keys(JSON.parse(text), ['receipt', 'state', 'transactionId', 'applicationClaims']);
  if (doc['state'] !== 'Ready' || doc['transactionId'] !== transactionId) throw new Error('state or transactionId');
  const r = keys(doc['receipt'], ['cert', 'leafComponents', 'nodeId', 'proof', 'serviceEndorsements', 'signature']);
  const lc = keys(r['leafComponents'], ['claimsDigest', 'commitEvidence', 'writeSetDigest']);
  const ce = lc['commitEvidence'];
  if (typeof ce !== 'string' || ce !== `ce:${transactionId}:${/^ce:\d+\.\d+:([0-9a-f]{64})$/.exec(ce)?.[1]}`) throw new Error('commitEvidence');
  const claims = doc['applicationClaims'];
  if (!Array.isArray(claims) || claims.length !== 1) throw new Error('applicationClaims');
  const claim = keys(claims[0], ['kind', 'ledgerEntry']);
  const e = keys(claim['ledgerEntry'], ['collectionId', 'contents', 'protocol', 'secretKey']);
  if (claim['kind'] !== 'LedgerEntry' || e['protocol'] !== 'LedgerEntryV1' || typeof e['collectionId'] !== 'string' || typeof e['contents'] !== 'string') throw new Error('claim');
  const key = b64(e['secretKey']);
  const count = Buffer.alloc(4);
  count.writeUInt32LE(1);
  const d = H(Buffer.from('LedgerEntryV1'), H(createHmac('sha256', key).update(e['collectionId']).digest(), createHmac('sha256', key).update(e['contents']).digest()));
  const claimsDigest = hex(lc['claimsDigest']);
  if (!H(count, d).equals(claimsDigest)) throw new Error('claims digest');
  let preimage = Buffer.concat([hex(lc['writeSetDigest']), H(Buffer.from(ce, 'utf8')), claimsDigest]);
  let h = H(preimage);
  if (!Array.isArray(r['proof'])) throw new Error('proof');
  for (const step of r['proof']) {
    const s = step as Record<string, unknown>;
    if ('left' in s && Object.keys(s).length === 1) preimage = Buffer.concat([hex(s['left']), h]);
    else if ('right' in s && Object.keys(s).length === 1) preimage = Buffer.concat([h, hex(s['right'])]);
    else throw new Error('proof step');
    h = H(preimage);
  }
  const node = canonicalCert(r['cert']);
  if (!Array.isArray(r['serviceEndorsements']) || r['serviceEndorsements'].length !== 0) throw new Error('endorsements');
  if (!node.verify(new X509Certificate(identityPem).publicKey)) throw new Error('node certificate not issued by the identity');
  if (!H(node.publicKey.export({ type: 'spki', format: 'der' })).equals(hex(r['nodeId']))) throw new Error('nodeId');
  const signature = b64(r['signature']);
  // One DER encoding: node accepts some trailing bytes, the format does not.
  if (signature[0] !== 0x30 || signature[1]! + 2 !== signature.length) throw new Error('signature encoding');
  if (!verify('sha256', preimage, { key: node.publicKey, dsaEncoding: 'der' }, signature)) throw new Error('signature');
}
