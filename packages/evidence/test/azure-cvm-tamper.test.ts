/**
 * Single-bit flips in every region of Azure CVM evidence that something signs or binds (the
 * hardware report, the runtime data with the vTPM keys, the TPM quote, its signature, the PCR
 * values, the VCEK certificate, the TD quote, the TDREPORT fields the TD quote vouches for) and
 * in the bytes nothing signs (the HCL and IGVM headers, padding) are all refused, each with the
 * code that names what failed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { parseAzureCvmEvidence, verifyAzureCvmEvidence, type AzureCvmEvidenceParts, type VerifyContext } from '../src/index.js';
import { vectorsMissing } from '@confide/test-kit/vectors';
import { snpContext, snpRawParts, tdxContext, tdxRawParts } from './azure-cvm-support.js';

/** About this many flips per region, spread over it, first and last byte included. */
const PER_REGION = 12;

function positions(start: number, end: number): number[] {
  const step = Math.max(1, Math.floor((end - start) / PER_REGION));
  const out: number[] = [];
  for (let i = start; i < end; i += step) out.push(i);
  if (out[out.length - 1] !== end - 1) out.push(end - 1);
  return out;
}

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at]! ^= 1 << (at % 8);
  return out;
}

/** The code the evidence is refused with, or "accepted". */
async function outcome(parts: AzureCvmEvidenceParts, ctx: VerifyContext): Promise<string> {
  try {
    await verifyAzureCvmEvidence(parseAzureCvmEvidence(parts), ctx);
    return 'accepted';
  } catch (err) {
    if (!isConfideError(err)) throw err;
    return err.code;
  }
}

interface Region {
  name: string;
  part: 'hcl' | 'quote' | 'signature' | 'pcr0' | 'vcek' | 'tdQuote';
  start: number;
  end: number;
  /** The codes a flip here may be refused with; the first is the one that names the region, which some flip must give. */
  codes: string[];
}

const get = (p: AzureCvmEvidenceParts, part: Region['part']): Uint8Array => {
  switch (part) {
    case 'hcl':
      return p.hclReport!;
    case 'quote':
      return p.tpmQuote.quote;
    case 'signature':
      return p.tpmQuote.signature;
    case 'pcr0':
      return (p.tpmQuote.pcrs['sha256'] as Uint8Array[])[0]!;
    case 'vcek':
      return p.vekCertificates![0]!;
    case 'tdQuote':
      return p.tdQuote!;
  }
};

function withPart(p: AzureCvmEvidenceParts, part: Region['part'], bytes: Uint8Array): AzureCvmEvidenceParts {
  switch (part) {
    case 'hcl':
      return { ...p, hclReport: bytes };
    case 'quote':
      return { ...p, tpmQuote: { ...p.tpmQuote, quote: bytes } };
    case 'signature':
      return { ...p, tpmQuote: { ...p.tpmQuote, signature: bytes } };
    case 'pcr0': {
      const pcrs = [...(p.tpmQuote.pcrs['sha256'] as Uint8Array[])];
      pcrs[0] = bytes;
      return { ...p, tpmQuote: { ...p.tpmQuote, pcrs: { sha256: pcrs } } };
    }
    case 'vcek':
      return { ...p, vekCertificates: [bytes, ...p.vekCertificates!.slice(1)] };
    case 'tdQuote':
      return { ...p, tdQuote: bytes };
  }
}

const SIG = 'ERR_EVIDENCE_SIGNATURE_INVALID';
const BIND = 'ERR_EVIDENCE_BINDING_MISMATCH';
const MAL = 'ERR_EVIDENCE_MALFORMED';
const UNS = 'ERR_EVIDENCE_UNSUPPORTED';

/** Parts common to both hardware types: the unsigned headers, the runtime data, the TPM quote. */
function commonRegions(parts: AzureCvmEvidenceParts, hw: { start: number; end: number }): Region[] {
  const runtimeEnd = 1236 + new DataView(parts.hclReport!.buffer, parts.hclReport!.byteOffset).getUint32(1232, true);
  return [
    { name: 'HCL header (signed by nothing)', part: 'hcl', start: 0, end: 32, codes: [MAL, UNS] },
    { name: 'IGVM request header (signed by nothing)', part: 'hcl', start: 1216, end: 1236, codes: [UNS, MAL] },
    { name: 'padding after the hardware report', part: 'hcl', start: hw.end, end: 1216, codes: [MAL] },
    { name: 'padding after the report', part: 'hcl', start: runtimeEnd, end: parts.hclReport!.length, codes: [MAL] },
    { name: 'runtime data (HCLAkPub, HCLEkPub, VM configuration)', part: 'hcl', start: 1236, end: runtimeEnd, codes: [BIND, MAL, UNS] },
    { name: 'TPM quote (TPMS_ATTEST)', part: 'quote', start: 0, end: get(parts, 'quote').length, codes: [SIG, MAL, UNS] },
    { name: 'TPM quote signature', part: 'signature', start: 0, end: 256, codes: [SIG] },
    { name: 'PCR 0 value', part: 'pcr0', start: 0, end: 32, codes: [BIND] },
  ];
}

async function assertRegionsRefused(parts: AzureCvmEvidenceParts, regions: Region[], ctx: () => VerifyContext): Promise<void> {
  assert.equal(await outcome(parts, ctx()), 'accepted');
  for (const r of regions) {
    const seen = new Map<string, number>();
    for (const at of positions(r.start, r.end)) {
      const code = await outcome(withPart(parts, r.part, flipped(get(parts, r.part), at)), ctx());
      assert.ok(r.codes.includes(code), `${r.name}: a flip at ${at} gave ${code}, expected one of ${r.codes.join(', ')}`);
      seen.set(code, (seen.get(code) ?? 0) + 1);
    }
    assert.ok(seen.has(r.codes[0]!), `${r.name}: no flip gave ${r.codes[0]}: ${JSON.stringify([...seen])}`);
  }
}

describe('Azure CVM evidence: single-bit flips are refused', { skip: vectorsMissing }, () => {
  it('SEV-SNP HCL report, runtime data, TPM quote, signature, PCRs, VCEK', async () => {
    const parts = snpRawParts();
    await assertRegionsRefused(
      parts,
      [
        ...commonRegions(parts, { start: 32, end: 32 + 1184 }),
        // Report fields a flip makes unreadable, or that pick the VCEK, fail before the signature.
        { name: 'SNP report (signed bytes)', part: 'hcl', start: 32, end: 32 + 0x2a0, codes: [SIG, UNS, MAL, 'ERR_COLLATERAL_MISSING', 'ERR_EVIDENCE_CHAIN_INVALID'] },
        { name: 'SNP report signature', part: 'hcl', start: 32 + 0x2a0, end: 32 + 0x2a0 + 144, codes: [SIG] },
        { name: 'VCEK certificate', part: 'vcek', start: 0, end: get(parts, 'vcek').length, codes: [SIG, 'ERR_COLLATERAL_MALFORMED', 'ERR_COLLATERAL_MISSING', 'ERR_EVIDENCE_CHAIN_INVALID', MAL] },
      ],
      () => snpContext(),
    );
  });

  it('TDX HCL report (TDREPORT fields the TD quote vouches for), TD quote, runtime data, TPM quote', async () => {
    const parts = tdxRawParts();
    const td = 32;
    await assertRegionsRefused(
      parts,
      [
        ...commonRegions(parts, { start: td, end: td + 1024 }),
        { name: 'TDREPORT digests and report data', part: 'hcl', start: td + 32, end: td + 192, codes: [BIND] },
        { name: 'TEE_TCB_INFO', part: 'hcl', start: td + 256, end: td + 256 + 239, codes: [BIND] },
        { name: 'TDINFO', part: 'hcl', start: td + 512, end: td + 1024, codes: [BIND] },
        { name: 'TD quote header and body (signed)', part: 'tdQuote', start: 0, end: 48 + 584, codes: [SIG, UNS, MAL] },
      ],
      () => tdxContext(),
    );
  });

});
