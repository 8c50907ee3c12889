/**
 * Support for the intel-tcb tests: reading dcap-qvl-format collateral and PCS responses from the
 * real vectors, importing the TCB signing key from a PEM issuer chain, and a throwaway P-256 key
 * for synthetic TCB Info / QE Identity.
 */
import { X509Certificate } from '@peculiar/x509';
import { fromHex, toHex, utf8 } from '@confide/core';
import type { IntelCollateral, SignedJson } from '@confide/evidence';
import { vectorText } from '@confide/test-kit/vectors';

/** Every dcap-qvl collateral file among the vectors (SGX and TDX; real and derived). */
export const DCAP_QVL_FILES = [
  'sgx/phala-dcap-qvl/sgx_quote_collateral.json',
  'sgx/phala-dcap-qvl/sgx_quote_collateral_2023-11-21_commit-eadf882.json',
  'sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json',
  'tdx/phala-dcap-qvl/tdx_quote_collateral.json',
  'tdx/phala-dcap-qvl/tdx_quote_outdated_collateral.json',
  'tdx/phala-dcap-qvl/near_gas_test_quote_collateral.json',
  'tdx/google-go-tdx-guest/collateral_dcap_qvl_format.json',
  'tdx/derived-collateral/tdx_00806f050000_2025-09-29_collateral.json',
  'tdx/derived-collateral/tdx_00a06d080000_2025-10-28_collateral.json',
  'tdx/derived-collateral/tdx_50806f000000_2025-09-29_collateral.json',
  'tdx/derived-collateral/tdx_90c06f000000_2025-09-29_collateral.json',
  'tdx/derived-collateral/tdx_b0c06f000000_2025-09-29_collateral.json',
  'tdx/tinfoilsh-verifier-collateral/collateral_dcap_qvl_format_00a06d080000_platform.json',
  'tdx/tinfoilsh-verifier-collateral/collateral_dcap_qvl_format_90c06f000000_platform.json',
];

/** The `signature` hex of a dcap-qvl collateral file is sometimes a byte list; normalise to hex. */
function sigHex(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return toHex(Uint8Array.from(v as number[]));
  throw new Error('unexpected signature encoding');
}

/** Reads a dcap-qvl `QuoteCollateralV3` JSON file into IntelCollateral (CRLs are not used by TCB evaluation). */
export function dcapQvlCollateral(path: string): IntelCollateral {
  const c = JSON.parse(vectorText(path)) as Record<string, unknown>;
  return {
    tcbInfo: { body: c['tcb_info'] as string, signature: sigHex(c['tcb_info_signature']), issuerChain: c['tcb_info_issuer_chain'] as string },
    qeIdentity: {
      body: c['qe_identity'] as string,
      signature: sigHex(c['qe_identity_signature']),
      issuerChain: c['qe_identity_issuer_chain'] as string,
    },
    pckCrl: new Uint8Array(),
    pckCrlIssuerChain: '',
    rootCaCrl: new Uint8Array(),
  };
}

/**
 * The exact text of a top-level member's value in a PCS response such as
 * `{"tcbInfo":{...},"signature":"..."}`: the signed bytes, cut out without re-serialising.
 */
export function rawMember(text: string, key: string): string {
  const marker = `"${key}":`;
  let i = text.indexOf(marker);
  if (i < 0) throw new Error(`no member ${key}`);
  i += marker.length;
  while (/\s/.test(text[i]!)) i++;
  const start = i;
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  throw new Error(`unterminated member ${key}`);
}

/** A PCS response file (`{"tcbInfo"|"enclaveIdentity": ..., "signature": ...}`) as SignedJson. */
export function pcsResponse(path: string, key: 'tcbInfo' | 'enclaveIdentity', issuerChain = ''): SignedJson {
  const text = vectorText(path);
  return { body: rawMember(text, key), signature: (JSON.parse(text) as { signature: string }).signature, issuerChain };
}

/**
 * Public key of the signing certificate in a PEM chain: the first certificate that is not
 * self-signed (PCS serves signer first, Intel's old sample data root first). URL-encoded PEM is accepted.
 */
export async function signingKeyFromChain(pemChain: string): Promise<CryptoKey> {
  const pem = pemChain.includes('%0A') || pemChain.includes('%20') ? decodeURIComponent(pemChain) : pemChain;
  const certs = (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((c) => new X509Certificate(c));
  const signer = certs.find((c) => c.subject !== c.issuer) ?? certs[0];
  if (!signer) throw new Error('no certificate in chain');
  return crypto.subtle.importKey('spki', signer.publicKey.rawData, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
}

/** A copy of `doc` whose body has one byte changed (the signature no longer covers it). */
export function flipBodyByte(doc: SignedJson): SignedJson {
  // Change a digit inside a date so the body stays valid JSON: only the signature can catch it.
  const i = doc.body.search(/\d{4}-\d{2}-\d{2}T/);
  const ch = doc.body[i]!;
  const flipped = ch === '1' ? '2' : '1';
  return { ...doc, body: doc.body.slice(0, i) + flipped + doc.body.slice(i + 1) };
}

/** A throwaway P-256 signer standing in for Intel's TCB signing key. */
export interface TestSigner {
  publicKey: CryptoKey;
  sign(body: string): Promise<SignedJson>;
}

export async function testSigner(): Promise<TestSigner> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  return {
    publicKey: pair.publicKey,
    async sign(body: string): Promise<SignedJson> {
      const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, utf8(body) as Uint8Array<ArrayBuffer>));
      return { body, signature: toHex(sig), issuerChain: '' };
    },
  };
}

/** Bytes from hex, for TEE_TCB_SVN literals. */
export const hex = fromHex;
