/**
 * Reads the compact JWS a client sends to set or reset a policy or change the policy-management
 * certificates: unsigned (`alg: none`, empty signature) or signed with the key of the first `x5c`
 * certificate in its header, as the Azure SDK builds it. jose checks the signature over the
 * signing input exactly as received; nothing is re-encoded.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { compactVerify } from 'jose';
import { fromBase64, fromUtf8, type ConfideError } from '@confide/core';
import { ServerError } from '../../../errors/index.js';
import { JWS_ALGORITHMS } from '../../../jose/algorithms.js';
import { certificateJwk, thumbprintOf, type CertificateJwk } from './certificates.js';

/** The certificate that signed a JWS; its signature has been verified. */
export interface JwsSigner {
  certificate: X509Certificate;
  /** Uppercase hex SHA-1 of the DER, as MAA reports thumbprints. */
  thumbprint: string;
  /** `{kty, x5c}` as `x-ms-policy-signer` carries it. */
  jwk: CertificateJwk;
}

export interface ClientJws {
  header: Record<string, unknown>;
  /** The decoded payload text ('' for the empty payload of a reset). */
  payload: string;
  /** Present exactly when the JWS is signed and its signature verifies. */
  signer?: JwsSigner;
  /** Hex SHA-256 of the signing input (`header.payload`): what the signer signed, whatever the signature bytes. */
  id: string;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function invalid(message: string): ConfideError {
  return new ServerError('ERR_POLICY_TOKEN_INVALID', message);
}

function decodePart(part: string, name: string): Uint8Array {
  if (!B64URL.test(part)) throw invalid(`the JWS ${name} is not base64url`);
  try {
    return fromBase64(part);
  } catch {
    throw invalid(`the JWS ${name} is not base64url`);
  }
}

function parseJsonObject(bytes: Uint8Array, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid(`the JWS ${name} is not UTF-8 JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(`the JWS ${name} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** The first x5c certificate of a header. Throws ERR_POLICY_TOKEN_INVALID. */
function headerCertificate(header: Record<string, unknown>): X509Certificate {
  const x5c = header['x5c'];
  if (!Array.isArray(x5c) || x5c.length === 0 || typeof x5c[0] !== 'string') {
    throw invalid('a signed JWS needs an x5c header holding the signer certificate (standard base64 DER)');
  }
  try {
    return new X509Certificate(Buffer.from(fromBase64(x5c[0])));
  } catch {
    throw invalid('the first x5c entry of the JWS header is not a DER certificate');
  }
}

/**
 * Parses and, when signed, verifies a client JWS. Surrounding whitespace is ignored.
 * Throws ERR_POLICY_TOKEN_INVALID (malformed, unsupported algorithm, bad signature, expired).
 */
export async function readClientJws(text: string, nowSeconds: number): Promise<ClientJws> {
  const parts = text.trim().split('.');
  if (parts.length !== 3) throw invalid(`expected a compact JWS (three dot-separated parts), got ${parts.length} part${parts.length === 1 ? '' : 's'}`);
  const [h, p, s] = parts as [string, string, string];
  const header = parseJsonObject(decodePart(h, 'header'), 'header');
  const alg = header['alg'];
  if (typeof alg !== 'string') throw invalid('the JWS header has no alg');
  if (header['crit'] !== undefined) throw invalid('the JWS header has crit extensions, which are not supported');
  const payloadBytes = decodePart(p, 'payload');
  const signature = decodePart(s, 'signature');

  let signer: JwsSigner | undefined;
  if (alg === 'none') {
    if (signature.length > 0) throw invalid('an alg "none" JWS must have an empty signature');
  } else {
    if (!JWS_ALGORITHMS.includes(alg)) throw invalid(`JWS algorithm ${alg} is not supported; use RS256 or ES256 with an x5c header`);
    const certificate = headerCertificate(header);
    try {
      await compactVerify(`${h}.${p}.${s}`, certificate.publicKey, { algorithms: [...JWS_ALGORITHMS] });
    } catch {
      throw invalid(`the JWS signature does not verify with its x5c certificate (${alg})`);
    }
    signer = { certificate, thumbprint: thumbprintOf(certificate), jwk: certificateJwk(certificate) };
  }

  const payload = fromUtf8(payloadBytes);
  // The SDK sets no times; when a client does, an expired request is refused so it cannot be replayed later.
  if (payload !== '') {
    const body = parseJsonObject(payloadBytes, 'payload');
    if (typeof body['exp'] === 'number' && nowSeconds > body['exp']) throw invalid('the JWS has expired (exp)');
    if (typeof body['nbf'] === 'number' && nowSeconds < body['nbf']) throw invalid('the JWS is not yet valid (nbf)');
  }
  const id = createHash('sha256').update(`${h}.${p}`, 'ascii').digest('hex');
  return { header, payload, id, ...(signer ? { signer } : {}) };
}
