/**
 * Test support for the Azure CVM tests: the vectors' raw parts (HCL report, VCEK chain, TD
 * quote, bincode vTPM quote) as verifier inputs, and the contexts they verify in.
 */
import { fixedClock } from '@confide/core';
import { emptyCollateral, parseVtpmQuoteBincode, type AzureCvmEvidenceParts, type TpmPcrInput, type VerifyContext } from '../src/index.js';
import { at, vector, vectorText } from '@confide/test-kit/vectors';
import { pemCertificates } from '@confide/test-kit/amd-pki';
import { contextAt, dcapQvlCollateral } from './intel-quote-support.js';

export const SNP_DIR = 'azure/trustee-az-snp-vtpm';
export const TDX_DIR = 'azure/trustee-az-tdx-vtpm';
/** 2026-06-01: inside every VCEK's validity. */
export const SNP_PIN = 1780272000;
/** The derived 2025-09 collateral for FMSPC 00806f050000 and its pinned time (README, Azure table). */
export const TDX_COLLATERAL = 'tdx/derived-collateral/tdx_00806f050000_2025-09-29_collateral.json';
export const TDX_PIN = 1759172698;
export const SA_2025 = ['INTEL-SA-00960', 'INTEL-SA-00982', 'INTEL-SA-00986'];
/** "challenge", the nonce of the raw vectors and of the v0/v1 JSON. */
export const CHALLENGE = '6368616c6c656e6765';

export function snpContext(extra: Partial<VerifyContext> = {}): VerifyContext {
  return { clock: fixedClock(at(SNP_PIN)), collateral: emptyCollateral, ...extra };
}

export function tdxContext(extra: Partial<VerifyContext> = {}): VerifyContext {
  return contextAt(TDX_PIN, dcapQvlCollateral(TDX_COLLATERAL), extra);
}

/** The bincode vTPM quote as verifier parts: its PCRs are SHA-256 from PCR 0. */
export function bincodeQuote(path: string): AzureCvmEvidenceParts['tpmQuote'] {
  const q = parseVtpmQuoteBincode(vector(path));
  return { quote: q.message, signature: q.signature, pcrs: { sha256: q.pcrs } as TpmPcrInput };
}

/** Trustee's tpm-quote-v1.json (hex) as verifier parts. */
export function jsonQuote(path: string): AzureCvmEvidenceParts['tpmQuote'] {
  const q = JSON.parse(vectorText(path)) as { signature: string; message: string; pcrs: string[] };
  const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
  return { quote: hex(q.message), signature: hex(q.signature), pcrs: { sha256: q.pcrs } };
}

/** hcl-report.bin + vcek.pem (VCEK, ASK, ARK) + quote.bin. */
export function snpRawParts(): AzureCvmEvidenceParts {
  return { hclReport: vector(`${SNP_DIR}/hcl-report.bin`), vekCertificates: pemCertificates(vectorText(`${SNP_DIR}/vcek.pem`)), tpmQuote: bincodeQuote(`${SNP_DIR}/quote.bin`) };
}

/** hcl-report.bin + td-quote.bin + quote.bin. */
export function tdxRawParts(): AzureCvmEvidenceParts {
  return { hclReport: vector(`${TDX_DIR}/hcl-report.bin`), tdQuote: vector(`${TDX_DIR}/td-quote.bin`), tpmQuote: bincodeQuote(`${TDX_DIR}/quote.bin`) };
}
