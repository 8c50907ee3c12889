/**
 * Corrupted twins of real Intel quotes: each breakage of an accepted quote, of its PCK chain or
 * of its collateral must fail with its own code, and a quote that is only truncated must fail
 * as malformed wherever it is cut.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConfideError, type ErrorCode } from '@confide/core';
import { parseIntelQuote, verifyIntelQuote, verifyIntelQuoteSignatures, type IntelCollateral, type IntelQuote } from '../src/index.js';
import { contextAt, dcapQvlCollateral, quoteVector } from './intel-quote-support.js';
import { vectorText, vectorsMissing } from '@confide/test-kit/vectors';

const skip = vectorsMissing ?? false;

interface Family {
  name: string;
  quote: string;
  collateral: string;
  at: number;
}

const FAMILIES: Family[] = [
  { name: 'SGX v3, Processor CA (phala)', quote: 'sgx/phala-dcap-qvl/sgx_quote', collateral: 'sgx/phala-dcap-qvl/sgx_quote_collateral.json', at: 1750334171 },
  { name: 'SGX v3, 2033 root encoding (Azure OE SDK)', quote: 'sgx/azure-samples-maa/extracted/oe-sdk.enclave.info.release.quote.bin', collateral: 'sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json', at: 1689198505 },
  { name: 'TDX v4 (phala)', quote: 'tdx/phala-dcap-qvl/tdx_quote', collateral: 'tdx/phala-dcap-qvl/tdx_quote_collateral.json', at: 1750332747 },
  { name: 'TDX v4 (Azure vTPM td-quote)', quote: 'azure/trustee-az-tdx-vtpm/td-quote.bin', collateral: 'tdx/derived-collateral/tdx_00806f050000_2025-09-29_collateral.json', at: 1759172698 },
  { name: 'TDX v5, TD 1.5 body (go-tdx-guest)', quote: 'tdx/google-go-tdx-guest/quote_v5_sample.dat', collateral: 'tdx/tinfoilsh-verifier-collateral/collateral_dcap_qvl_format_90c06f000000_platform.json', at: 1769558400 },
];

const SAMPLE_ROOT_PEM = 'sgx/intel-dcap-sampledata/QuoteVerification-sampleData/trustedRootCaCert.pem';

/** Offset of a parsed view inside the quote. */
function offsetOf(quote: IntelQuote, view: Uint8Array): number {
  return view.byteOffset - quote.raw.byteOffset;
}

function flipped(bytes: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[offset]! ^= mask;
  return out;
}

function pemDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
}

/**
 * Rewrites the `index`-th certificate of a PEM text in place: the DER is changed by `mutate`
 * (same length), re-encoded, and its base64 characters written back around the line breaks.
 */
function mutatePem(pem: string, index: number, mutate: (der: Buffer) => void): string {
  const re = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;
  let m: RegExpExecArray | null = null;
  for (let i = 0; i <= index; i++) m = re.exec(pem);
  assert.ok(m, `PEM has no certificate ${index}`);
  const body = m[1]!;
  const der = Buffer.from(body.replace(/\s/g, ''), 'base64');
  mutate(der);
  const b64 = der.toString('base64');
  let k = 0;
  let out = '';
  for (const ch of body) out += /\s/.test(ch) ? ch : b64[k++]!;
  assert.equal(k, b64.length);
  const start = m.index + '-----BEGIN CERTIFICATE-----'.length;
  return pem.slice(0, start) + out + pem.slice(start + body.length);
}

function mutateQuoteCert(bytes: Uint8Array, index: number, mutate: (der: Buffer) => void): Uint8Array {
  const quote = parseIntelQuote(bytes);
  const pemBytes = quote.qe.pckChainPem;
  const text = Buffer.from(pemBytes).toString('latin1');
  const changed = Buffer.from(mutatePem(text, index, mutate), 'latin1');
  assert.equal(changed.length, pemBytes.length);
  const out = Uint8Array.from(quote.raw);
  out.set(changed, offsetOf(quote, pemBytes));
  return out;
}

/** Index of the first byte of `needle` in `hay`. */
function find(hay: Uint8Array, needle: Uint8Array | string, from = 0): number {
  const i = Buffer.from(hay).indexOf(typeof needle === 'string' ? Buffer.from(needle) : Buffer.from(needle), from);
  assert.ok(i >= 0, 'pattern not found');
  return i;
}

const SERIAL_BYTE = 16; // cert SEQUENCE(4) + TBS SEQUENCE(4) + [0] version(5) + INTEGER tag/len(2), then one byte in
const flipSerial = (der: Buffer) => void (der[SERIAL_BYTE]! ^= 0x01);
const flipSignature = (der: Buffer) => void (der[der.length - 1]! ^= 0x01);
const flipKey = (der: Buffer) => void (der[find(der, Uint8Array.of(0x03, 0x42, 0x00, 0x04)) + 10]! ^= 0x01);
// The issuer name comes first in the TBS: changing a letter of its CN breaks the issuer link.
const renameIssuer = (der: Buffer) => void (der[find(der, 'Intel SGX')]! ^= 0x02);

async function rejectsFull(f: Family, bytes: Uint8Array, code: ErrorCode, collateral?: IntelCollateral, extra = {}): Promise<void> {
  const col = collateral ?? dcapQvlCollateral(f.collateral);
  await assert.rejects(verifyIntelQuote(bytes, contextAt(f.at, col, extra)), (e: unknown) => {
    assert.ok(isConfideError(e), String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

async function rejectsBoth(f: Family, bytes: Uint8Array, code: ErrorCode): Promise<void> {
  await rejectsFull(f, bytes, code);
  await assert.rejects(verifyIntelQuoteSignatures(bytes), (e: unknown) => isConfideError(e, code));
}

for (const f of FAMILIES) {
  describe(`corrupted ${f.name}`, { skip }, () => {
    const original = () => quoteVector(f.quote);
    const parsed = () => parseIntelQuote(original());

    it('the original verifies (the twins below differ from it by one change)', async () => {
      const c = await verifyIntelQuote(original(), contextAt(f.at, dcapQvlCollateral(f.collateral)));
      assert.equal(c.tee, parsed().tee);
    });

    it('a flipped bit in the body (report data): ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
      const q = parsed();
      await rejectsBoth(f, flipped(q.raw, offsetOf(q, q.body.report.reportData) + 5), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });

    it('a flipped bit in the measurement: ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
      const q = parsed();
      const m = q.body.kind === 'sgx' ? q.body.report.mrenclave : q.body.report.mrTd;
      await rejectsBoth(f, flipped(q.raw, offsetOf(q, m), 0x80), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });

    it('a flipped bit in the header user data: ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
      const q = parsed();
      await rejectsBoth(f, flipped(q.raw, offsetOf(q, q.header.userData) + 19), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });

    it('a flipped bit in the quote signature: ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
      const q = parsed();
      await rejectsBoth(f, flipped(q.raw, offsetOf(q, q.signature) + 40), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });

    it('a flipped bit in the attestation key: ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
      const q = parsed();
      await rejectsBoth(f, flipped(q.raw, offsetOf(q, q.attestationKey) + 63), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });

    it('a flipped bit in the QE report: ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
      const q = parsed();
      await rejectsBoth(f, flipped(q.raw, offsetOf(q, q.qe.qeReport.raw) + 256), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });

    it('a flipped bit in the QE report signature: ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
      const q = parsed();
      await rejectsBoth(f, flipped(q.raw, offsetOf(q, q.qe.qeReportSignature) + 10), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });

    it('a flipped bit in the QE auth data (attestation key no longer certified): ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
      const q = parsed();
      assert.ok(q.qe.qeAuthData.length > 0);
      await rejectsBoth(f, flipped(q.raw, offsetOf(q, q.qe.qeAuthData)), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });

    for (const [i, who] of [[0, 'PCK leaf'], [1, 'PCK CA'], [2, 'root']] as const) {
      it(`a flipped bit in the ${who} certificate's TBS: ERR_EVIDENCE_SIGNATURE_INVALID`, async () => {
        await rejectsBoth(f, mutateQuoteCert(original(), i, flipSerial), 'ERR_EVIDENCE_SIGNATURE_INVALID');
      });
      it(`a flipped bit in the ${who} certificate's signature: ERR_EVIDENCE_SIGNATURE_INVALID`, async () => {
        await rejectsBoth(f, mutateQuoteCert(original(), i, flipSignature), 'ERR_EVIDENCE_SIGNATURE_INVALID');
      });
    }

    it("a flipped bit in the PCK CA certificate's key: ERR_EVIDENCE_SIGNATURE_INVALID", async () => {
      await rejectsBoth(f, mutateQuoteCert(original(), 1, flipKey), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });

    it("a flipped bit in the root certificate's key: ERR_EVIDENCE_UNTRUSTED_ROOT", async () => {
      await rejectsBoth(f, mutateQuoteCert(original(), 2, flipKey), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
    });

    it('a PCK CA certificate whose DER no longer parses: ERR_EVIDENCE_MALFORMED', async () => {
      // 0x82 (two length bytes) becomes 0x83: the outer SEQUENCE claims more bytes than there are.
      await rejectsBoth(f, mutateQuoteCert(original(), 1, (der) => void (der[1]! ^= 0x01)), 'ERR_EVIDENCE_MALFORMED');
    });

    it("a changed issuer name in the PCK leaf: ERR_EVIDENCE_CHAIN_INVALID", async () => {
      await rejectsBoth(f, mutateQuoteCert(original(), 0, renameIssuer), 'ERR_EVIDENCE_CHAIN_INVALID');
    });

    it('a changed PEM armour in the PCK chain (two certificates left): ERR_EVIDENCE_CHAIN_INVALID', async () => {
      const q = parsed();
      const out = Uint8Array.from(q.raw);
      out[offsetOf(q, q.qe.pckChainPem) + 11] = 'X'.charCodeAt(0); // -----BEGIN CERTIFICATE → -----BEGIN XERTIFICATE
      await rejectsBoth(f, out, 'ERR_EVIDENCE_CHAIN_INVALID');
    });

    it('changed expected report data: ERR_EVIDENCE_BINDING_MISMATCH', async () => {
      const q = parsed();
      const expected = Uint8Array.from(q.body.report.reportData.subarray(0, 32));
      await verifyIntelQuote(original(), contextAt(f.at, dcapQvlCollateral(f.collateral), { expectedReportData: expected }));
      expected[31]! ^= 0x01;
      await rejectsFull(f, original(), 'ERR_EVIDENCE_BINDING_MISMATCH', undefined, { expectedReportData: expected });
      await assert.rejects(verifyIntelQuoteSignatures(original(), { expectedReportData: expected }), (e) => isConfideError(e, 'ERR_EVIDENCE_BINDING_MISMATCH'));
      await rejectsFull(f, original(), 'ERR_EVIDENCE_BINDING_MISMATCH', undefined, { expectedReportData: new Uint8Array(65) });
    });

    it('a foreign root as the only trust anchor: ERR_EVIDENCE_UNTRUSTED_ROOT', async () => {
      const anchors = { trustAnchors: { intelRoots: [pemDer(vectorText(SAMPLE_ROOT_PEM))] } };
      await rejectsFull(f, original(), 'ERR_EVIDENCE_UNTRUSTED_ROOT', undefined, anchors);
      await assert.rejects(verifyIntelQuoteSignatures(original(), anchors), (e) => isConfideError(e, 'ERR_EVIDENCE_UNTRUSTED_ROOT'));
    });

    it('truncation anywhere: ERR_EVIDENCE_MALFORMED', async () => {
      const q = parsed();
      const signedEnd = q.signedRange.length;
      const cuts = [
        0, 1, 2, 4, 20, 47, 48, 100, signedEnd - 1, signedEnd, signedEnd + 2, signedEnd + 4 + 10,
        offsetOf(q, q.attestationKey) + 30,
        offsetOf(q, q.qe.qeReport.raw) - 1,
        offsetOf(q, q.qe.qeReport.raw) + 200,
        offsetOf(q, q.qe.qeReportSignature) + 63,
        offsetOf(q, q.qe.qeAuthData) - 1,
        offsetOf(q, q.qe.qeAuthData) + 1,
        offsetOf(q, q.qe.pckChainPem) - 3,
        offsetOf(q, q.qe.pckChainPem) + 500,
        // Some quotes carry padding after the signature data; the cut must fall inside it.
        offsetOf(q, q.qe.pckChainPem) + q.qe.pckChainPem.length - 1,
      ];
      for (const cut of cuts) {
        assert.throws(() => parseIntelQuote(q.raw.subarray(0, cut)), (e) => isConfideError(e, 'ERR_EVIDENCE_MALFORMED'), `cut at ${cut}`);
      }
      await rejectsBoth(f, q.raw.subarray(0, signedEnd + 100), 'ERR_EVIDENCE_MALFORMED');
    });

    it('an unknown quote version, attestation key type or certification data type: ERR_EVIDENCE_UNSUPPORTED', async () => {
      const q = parsed();
      const set16 = (offset: number, v: number) => {
        const out = Uint8Array.from(q.raw);
        out[offset] = v & 0xff;
        out[offset + 1] = v >> 8;
        return out;
      };
      for (const bytes of [set16(0, 6), set16(0, 2), set16(2, 3)]) {
        await rejectsBoth(f, bytes, 'ERR_EVIDENCE_UNSUPPORTED');
      }
      const certTypeAt = q.version === 3 ? offsetOf(q, q.qe.pckChainPem) - 6 : offsetOf(q, q.attestationKey) + 64;
      await rejectsBoth(f, set16(certTypeAt, q.version === 3 ? 3 : 5), 'ERR_EVIDENCE_UNSUPPORTED');
      await rejectsBoth(f, set16(offsetOf(q, q.qe.pckChainPem) - 6, 1), 'ERR_EVIDENCE_UNSUPPORTED');
      if (q.version >= 4) await rejectsBoth(f, set16(4, 0x42), 'ERR_EVIDENCE_UNSUPPORTED');
      if (q.version === 5) {
        await rejectsBoth(f, set16(48, 9), 'ERR_EVIDENCE_UNSUPPORTED');
        await rejectsBoth(f, set16(50, 600), 'ERR_EVIDENCE_MALFORMED');
      }
    });

    it('behind an Open Enclave header: the same claims; a header larger than its data: ERR_EVIDENCE_MALFORMED', async () => {
      const q = parsed();
      const header = Buffer.alloc(16);
      header.writeUInt32LE(1, 0);
      header.writeUInt32LE(2, 4);
      header.writeBigUInt64LE(BigInt(q.raw.length), 8);
      const wrapped = Buffer.concat([header, q.raw]);
      const ctx = () => contextAt(f.at, dcapQvlCollateral(f.collateral));
      assert.deepEqual(await verifyIntelQuote(wrapped, ctx()), await verifyIntelQuote(q.raw, ctx()));
      header.writeBigUInt64LE(BigInt(q.raw.length + 1), 8);
      await rejectsBoth(f, Buffer.concat([header, q.raw]), 'ERR_EVIDENCE_MALFORMED');
      header.writeBigUInt64LE(BigInt(q.raw.length), 8);
      header.writeUInt32LE(1, 4);
      await rejectsBoth(f, Buffer.concat([header, q.raw]), 'ERR_EVIDENCE_UNSUPPORTED');
    });
  });
}

describe('corrupted collateral', { skip }, () => {
  const sgx = FAMILIES[0]!;
  const tdx = FAMILIES[2]!;
  for (const f of [sgx, tdx]) {
    const col = () => dcapQvlCollateral(f.collateral);
    const q = () => quoteVector(f.quote);

    it(`${f.name}: a flipped bit in the PCK CRL or Root CA CRL signature: ERR_EVIDENCE_SIGNATURE_INVALID`, async () => {
      const a = col();
      a.pckCrl = flipped(a.pckCrl, a.pckCrl.length - 1);
      await rejectsFull(f, q(), 'ERR_EVIDENCE_SIGNATURE_INVALID', a);
      const b = col();
      b.rootCaCrl = flipped(b.rootCaCrl, b.rootCaCrl.length - 1);
      await rejectsFull(f, q(), 'ERR_EVIDENCE_SIGNATURE_INVALID', b);
    });

    it(`${f.name}: a CRL from the wrong issuer or a truncated CRL: ERR_COLLATERAL_MALFORMED`, async () => {
      const a = col();
      a.pckCrl = a.rootCaCrl;
      await rejectsFull(f, q(), 'ERR_COLLATERAL_MALFORMED', a);
      const b = col();
      b.rootCaCrl = b.rootCaCrl.subarray(0, 40);
      await rejectsFull(f, q(), 'ERR_COLLATERAL_MALFORMED', b);
    });

    it(`${f.name}: a broken TCB signing certificate: ERR_EVIDENCE_SIGNATURE_INVALID; a foreign root in its chain: ERR_EVIDENCE_UNTRUSTED_ROOT`, async () => {
      const a = col();
      a.tcbInfo.issuerChain = mutatePem(a.tcbInfo.issuerChain, 0, flipSerial);
      a.qeIdentity.issuerChain = a.tcbInfo.issuerChain;
      await rejectsFull(f, q(), 'ERR_EVIDENCE_SIGNATURE_INVALID', a);
      const b = col();
      b.tcbInfo.issuerChain = mutatePem(b.tcbInfo.issuerChain, 1, flipKey);
      await rejectsFull(f, q(), 'ERR_EVIDENCE_UNTRUSTED_ROOT', b);
      const c = col();
      c.tcbInfo.issuerChain = 'not a PEM chain';
      await rejectsFull(f, q(), 'ERR_COLLATERAL_MALFORMED', c);
    });

    it(`${f.name}: a changed TCB Info or QE Identity, or their signatures: ERR_EVIDENCE_SIGNATURE_INVALID`, async () => {
      const a = col();
      a.tcbInfo.body = a.tcbInfo.body.replace('"tcbEvaluationDataNumber":', '"tcbEvaluationDataNumber": ');
      await rejectsFull(f, q(), 'ERR_EVIDENCE_SIGNATURE_INVALID', a);
      const b = col();
      b.qeIdentity.signature = b.qeIdentity.signature.slice(0, -1) + (b.qeIdentity.signature.endsWith('0') ? '1' : '0');
      await rejectsFull(f, q(), 'ERR_EVIDENCE_SIGNATURE_INVALID', b);
    });

    it(`${f.name}: a corrupted quote fails as corrupted even when collateral is missing`, async () => {
      const quote = parseIntelQuote(q());
      const bad = flipped(quote.raw, offsetOf(quote, quote.signature));
      await assert.rejects(verifyIntelQuote(bad, contextAt(f.at, undefined)), (e) => isConfideError(e, 'ERR_EVIDENCE_SIGNATURE_INVALID'));
      await assert.rejects(verifyIntelQuote(q(), contextAt(f.at, undefined)), (e) => isConfideError(e, 'ERR_COLLATERAL_MISSING'));
    });
  }
});
