/**
 * Test support for the Intel quote tests: reads quotes and dcap-qvl-layout collateral from the
 * shared vectors and wraps collateral in a provider. Test code only; the real provider lives in
 * src/collateral/.
 */
import { fixedClock } from '@confide/core';
import { createHash } from 'node:crypto';
import type { CollateralProvider, IntelCollateral, IntelCollateralDigests, IntelCollateralRequest, VerifyContext } from '../src/index.js';
import { at, vector, vectorText } from './vectors.js';

/** Reads a quote vector: binary, or hex text (optionally 0x-prefixed) for `.hex`/`.txt` files. */
export function quoteVector(path: string): Uint8Array {
  if (path.endsWith('.hex') || path.endsWith('.txt')) {
    const text = vectorText(path).trim().replace(/^0x/, '');
    return new Uint8Array(Buffer.from(text, 'hex'));
  }
  return vector(path);
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
    quote: h(quote),
    tcbInfo: h(c.tcbInfo.body),
    qeIdentity: h(c.qeIdentity.body),
    tcbInfoIssuerChain: h(c.tcbInfo.issuerChain),
    qeIdentityIssuerChain: h(c.qeIdentity.issuerChain),
    pckCrl: h(c.pckCrl),
    rootCaCrl: h(c.rootCaCrl),
  };
}
