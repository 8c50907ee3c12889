/**
 * Just enough DER and PEM to find what a signature check needs in an X.509 certificate or CRL:
 * the exact signed bytes (tbsCertificate / tbsCertList as they appear), the signature and the
 * subject public key. The floor must not borrow our verifier's parser for this.
 */
import { Buffer } from 'node:buffer';

const SEQUENCE = 0x30;
const BIT_STRING = 0x03;
const INTEGER = 0x02;
const CONTEXT_0 = 0xa0;

/** One TLV at `offset`: { tag, start (of the value), end, raw (whole TLV) }. */
function tlv(bytes, offset) {
  const tag = bytes[offset];
  let len = bytes[offset + 1];
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[start + i];
    start += n;
  }
  const end = start + len;
  if (tag === undefined || end > bytes.length) throw new Error('DER: truncated');
  return { tag, start, end, raw: bytes.subarray(offset, end) };
}

/** The TLVs inside a constructed TLV. */
function children(bytes, parent) {
  const out = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = tlv(bytes, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

function expect(node, tag, what) {
  if (node?.tag !== tag) throw new Error(`DER: ${what} is not where expected`);
  return node;
}

/**
 * A certificate or CRL: { tbs, signature, spki }. `signature` is the BIT STRING's content;
 * `spki` (SubjectPublicKeyInfo DER) is undefined for a CRL.
 */
export function signedObject(der, kind = 'certificate') {
  const outer = expect(tlv(der, 0), SEQUENCE, kind);
  const [tbs, , sig] = children(der, outer);
  expect(tbs, SEQUENCE, 'tbs');
  expect(sig, BIT_STRING, 'signature');
  const signature = der.subarray(sig.start + 1, sig.end); // first content byte: unused bits (0)
  if (kind !== 'certificate') return { tbs: tbs.raw, signature, spki: undefined };
  const fields = children(der, tbs);
  // tbsCertificate: [0] version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo
  const spki = expect(fields[fields[0].tag === CONTEXT_0 ? 6 : 5], SEQUENCE, 'subjectPublicKeyInfo');
  return { tbs: tbs.raw, signature, spki: spki.raw };
}

/** ECDSA-Sig-Value DER (SEQUENCE of r, s) to the r||s form WebCrypto verifies, `size` bytes each. */
export function ecdsaDerToRaw(der, size) {
  const seq = expect(tlv(der, 0), SEQUENCE, 'ECDSA signature');
  const out = new Uint8Array(size * 2);
  children(der, seq).forEach((n, i) => {
    expect(n, INTEGER, 'ECDSA r/s');
    let v = der.subarray(n.start, n.end);
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    out.set(v, i * size + size - v.length);
  });
  return out;
}

/** The DER certificates of a PEM text (URL-encoded PEM tolerated), in order. */
export function pemCertificates(text) {
  const pem = text.includes('%') ? decodeURIComponent(text) : text;
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new Uint8Array(Buffer.from(b.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')));
}
