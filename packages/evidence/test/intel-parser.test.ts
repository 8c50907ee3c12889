/** The Intel quote parser on real quotes: header fields, body layouts and the signed range per version. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConfideError } from '@confide/core';
import { decodeTdAttributes, parseIntelQuote, TEE_TYPE_TDX } from '../src/index.js';
import { quoteVector } from './intel-quote-support.js';
import { vector, vectorsMissing } from '@confide/test-kit/vectors';

const skip = vectorsMissing ?? false;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const INTEL_QE_VENDOR_ID = '939a7233f79c4ca9940a0db3957f0607';

describe('parseIntelQuote on real quotes', { skip }, () => {
  it('SGX v3: header SVNs, Intel QE vendor ID, enclave report, signed range of header + 384 bytes', () => {
    const q = parseIntelQuote(quoteVector('sgx/phala-dcap-qvl/sgx_quote'));
    assert.deepEqual([q.version, q.tee, q.header.attestationKeyType, q.header.teeType, q.header.qeSvn, q.header.pceSvn], [3, 'sgx', 2, 0, 10, 15]);
    assert.equal(hex(q.header.qeVendorId), INTEL_QE_VENDOR_ID);
    assert.equal(q.signedRange.length, 48 + 384);
    assert.equal(q.body.kind, 'sgx');
    assert.equal(Buffer.from(q.body.report.reportData.subarray(0, 13)).toString(), 'Hello, world!');
    assert.equal(q.qe.certDataType, 5);
    assert.equal(q.qe.qeAuthData.length, 32);
    assert.ok(Buffer.from(q.qe.pckChainPem).toString().startsWith('-----BEGIN CERTIFICATE-----'));
  });

  it('TDX v4: TD report 1.0 fields, signed range of header + 584 bytes', () => {
    const q = parseIntelQuote(quoteVector('tdx/phala-dcap-qvl/tdx_quote'));
    assert.deepEqual([q.version, q.tee, q.header.teeType, q.body.bodyType], [4, 'tdx', TEE_TYPE_TDX, 2]);
    assert.equal(q.signedRange.length, 48 + 584);
    assert.equal(q.body.kind, 'tdx');
    const r = q.body.report;
    assert.ok(hex(r.mrTd).startsWith('91eb2b44'));
    assert.ok(hex(r.rtmrs[0]).startsWith('44c0197b'));
    assert.ok(hex(r.teeTcbSvn).startsWith('06010300'));
    assert.equal(hex(r.tdAttributes), '0000001000000000');
    assert.ok(hex(r.reportData).startsWith('9a9d48e7'));
    assert.equal(r.teeTcbSvn2, undefined);
    assert.equal(r.mrServiceTd, undefined);
  });

  it('TDX v5 body type 3: the signed range includes the 6-byte body descriptor and the TD 1.5 body', () => {
    const q = parseIntelQuote(quoteVector('tdx/google-go-tdx-guest/quote_v5_sample.dat'));
    assert.deepEqual([q.version, q.body.bodyType], [5, 3]);
    assert.equal(q.signedRange.length, 48 + 6 + 648);
    assert.equal(q.body.kind, 'tdx');
    assert.equal(hex(q.body.report.teeTcbSvn2!), '0d010400000000000000000000000000');
    assert.equal(q.body.report.mrServiceTd!.length, 48);
  });

  it('views share the input buffer (no copies) and keep the raw bytes', () => {
    const bytes = quoteVector('tdx/trustee/tdx_quote_6.dat');
    const q = parseIntelQuote(bytes);
    assert.equal(q.raw.buffer, bytes.buffer);
    assert.equal(q.signedRange.buffer, bytes.buffer);
    assert.equal(q.body.report.raw.byteOffset - bytes.byteOffset, 48);
  });

  it('a raw TDREPORT (not a quote) is refused as unsupported', () => {
    assert.throws(() => parseIntelQuote(vector('tdx/google-go-tdx-guest/report.dat')), (e) => isConfideError(e, 'ERR_EVIDENCE_UNSUPPORTED'));
  });
});

describe('decodeTdAttributes', () => {
  it('reads bits 0, 28, 30, 31 and 63 of the little-endian field', () => {
    const bits = (...n: number[]) => {
      let v = 0n;
      for (const b of n) v |= 1n << BigInt(b);
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigUint64(0, v, true);
      return out;
    };
    assert.deepEqual(decodeTdAttributes(bits()), { debug: false, septVeDisable: false, pks: false, kl: false, perfmon: false });
    assert.deepEqual(decodeTdAttributes(bits(0)), { debug: true, septVeDisable: false, pks: false, kl: false, perfmon: false });
    assert.deepEqual(decodeTdAttributes(bits(28)), { debug: false, septVeDisable: true, pks: false, kl: false, perfmon: false });
    assert.deepEqual(decodeTdAttributes(bits(30)), { debug: false, septVeDisable: false, pks: true, kl: false, perfmon: false });
    assert.deepEqual(decodeTdAttributes(bits(31)), { debug: false, septVeDisable: false, pks: false, kl: true, perfmon: false });
    assert.deepEqual(decodeTdAttributes(bits(63)), { debug: false, septVeDisable: false, pks: false, kl: false, perfmon: true });
    assert.deepEqual(decodeTdAttributes(bits(1, 29, 62)), { debug: false, septVeDisable: false, pks: false, kl: false, perfmon: false });
  });
});
