/**
 * Test support for the Intel quote tests: reads quotes and dcap-qvl-layout collateral from the
 * shared vectors and wraps collateral in a provider. Test code only; the real provider lives in
 * src/collateral/.
 */
import { fixedClock } from '@confide/core';
import { createHash } from 'node:crypto';
import type { CollateralProvider, IntelCollateral, IntelCollateralDigests, IntelCollateralRequest, VerifyContext } from '../src/index.js';
import { at, vector, vectorText } from '@confide/test-kit/vectors';

/** A quote path with this suffix reads as the quote's exact bytes, without what follows it in the file. */
export const EXACT = '#exact';

/**
 * Reads a quote vector: binary, or hex text (optionally 0x-prefixed) for `.hex`/`.txt` files;
 * with the EXACT suffix, only the quote's declared length (see declaredQuoteLength).
 */
export function quoteVector(path: string): Uint8Array {
  if (path.endsWith(EXACT)) {
    const bytes = quoteVector(path.slice(0, -EXACT.length));
    return bytes.subarray(0, declaredQuoteLength(bytes));
  }
  if (path.endsWith('.hex') || path.endsWith('.txt')) {
    const text = vectorText(path).trim().replace(/^0x/, '');
    return new Uint8Array(Buffer.from(text, 'hex'));
  }
  return vector(path);
}

/**
 * The length a bare quote declares, by the Quote Format tables alone: the 48-byte header, the
 * body (SGX 384, TD 1.0 584 bytes; v5: a 6-byte descriptor and its size), then the signature
 * data's u32 size and that many bytes.
 */
export function declaredQuoteLength(q: Uint8Array): number {
  const view = new DataView(q.buffer, q.byteOffset, q.byteLength);
  const version = view.getUint16(0, true);
  const tdx = view.getUint32(4, true) === 0x81;
  const bodyEnd = version === 5 ? 48 + 6 + view.getUint32(50, true) : 48 + (tdx ? 584 : 384);
  return bodyEnd + 4 + view.getUint32(bodyEnd, true);
}

/** Loads dcap-qvl's QuoteCollateralV3 JSON: exact TCB Info / QE Identity text, hex signatures and CRLs, PEM chains. */
export function dcapQvlCollateral(path: string): IntelCollateral {
  const o = JSON.parse(vectorText(path)) as Record<string, string>;
  const hex = (k: string) => new Uint8Array(Buffer.from(o[k]!, 'hex'));
  return {
    tcbInfo: { body: o['tcb_info']!, signature: o['tcb_info_signature']!, issuerChain: o['tcb_info_issuer_chain']! },
    qeIdentity: { body: o['qe_identity']!, signature: o['qe_identity_signature']!, issuerChain: o['qe_identity_issuer_chain']! },
    pckCrl: hex('pck_crl'),
    pckCrlIssuerChain: o['pck_crl_issuer_chain']!,
    rootCaCrl: hex('root_ca_crl'),
  };
}

/** A provider that always returns `collateral` and records what was asked. */
export function fixedProvider(collateral: IntelCollateral | undefined, asked: IntelCollateralRequest[] = []): CollateralProvider {
  return {
    intel: async (req) => {
      asked.push(req);
      return collateral;
    },
    amd: async () => undefined,
  };
}

/** A verification context at `unix` seconds with the given collateral. */
export function contextAt(unix: number, collateral: IntelCollateral | undefined, extra: Partial<VerifyContext> = {}): VerifyContext {
  return { clock: fixedClock(at(unix)), collateral: fixedProvider(collateral), ...extra };
}

/** SHA-256 of a quote's exact bytes and of each collateral item as given: the claims' collateralDigests. */
export function expectedDigests(quote: Uint8Array, c: IntelCollateral): IntelCollateralDigests {
  const h = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
  return {
    quote: h(quote.subarray(0, declaredQuoteLength(quote))),
    tcbInfo: h(c.tcbInfo.body),
    qeIdentity: h(c.qeIdentity.body),
    tcbInfoIssuerChain: h(c.tcbInfo.issuerChain),
    qeIdentityIssuerChain: h(c.qeIdentity.issuerChain),
    pckCrl: h(c.pckCrl),
    rootCaCrl: h(c.rootCaCrl),
  };
}
