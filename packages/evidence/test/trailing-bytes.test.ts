/**
 * Issue 16: bytes outside the signed regions of an Intel quote. Zero padding after a quote (real
 * quote generators leave it) is not part of the quote; anything else after a quote, after its
 * Open Enclave report, or left inside its signature or certification data is refused as
 * malformed; the collateral quote digest is over the quote's exact bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatBytes, isConfideError } from '@confide/core';
import { claimsOf, ecdsaDerToRaw, parseIntelQuote, verifyEvidence, verifyIntelQuote } from '../src/index.js';
import { forgeIntelWorld } from '@confide/test-kit/intel-pki';
import { contextAt, dcapQvlCollateral, declaredQuoteLength, expectedDigests, quoteVector } from './intel-quote-support.js';
import { vectorText, vectorsMissing as skip } from '@confide/test-kit/vectors';
import { rejectsWithCode as rejectsWith } from '@confide/test-kit/assert';

function malformed(f: () => unknown): void {
  assert.throws(f, (e: unknown) => isConfideError(e, 'ERR_EVIDENCE_MALFORMED'));
}

const u32 = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
};

/** `quote` with one byte added at the end of its signature data, the data's size grown to match. */
function byteInsideSignatureData(quote: Uint8Array): Uint8Array {
  const at = parseIntelQuote(quote).signedRange.length;
  const size = new DataView(quote.buffer, quote.byteOffset).getUint32(at, true);
  return concatBytes(quote.subarray(0, at), u32(size + 1), quote.subarray(at + 4, at + 4 + size), Uint8Array.of(0));
}

const PHALA_SGX = { quote: 'sgx/phala-dcap-qvl/sgx_quote', collateral: 'sgx/phala-dcap-qvl/sgx_quote_collateral.json', at: 1750334171 };
const PHALA_TDX = { quote: 'tdx/phala-dcap-qvl/tdx_quote', collateral: 'tdx/phala-dcap-qvl/tdx_quote_collateral.json', at: 1750332747 };
const ZERO_PADDED = { quote: 'tdx/teekit-samples/extracted/tdx-v4-gcp.quote.bin', collateral: 'tdx/derived-collateral/tdx_00806f050000_2025-09-29_collateral.json', at: 1759172698 };

describe('trailing bytes: corrupted twins of real quotes', { skip }, () => {
  for (const v of [PHALA_SGX, PHALA_TDX]) {
    it(`${v.quote}: one byte after the quote is malformed; zero padding changes nothing`, async () => {
      const quote = quoteVector(v.quote);
      const ctx = contextAt(v.at, dcapQvlCollateral(v.collateral));
      const claims = await verifyEvidence(quote, {}, ctx);
      for (const tail of [Uint8Array.of(1), Uint8Array.of(0, 0, 0x80), new TextEncoder().encode('\nextra')]) {
        malformed(() => parseIntelQuote(concatBytes(quote, tail)));
        await rejectsWith(verifyEvidence(concatBytes(quote, tail), {}, ctx), 'ERR_EVIDENCE_MALFORMED');
      }
      const padded = await verifyEvidence(concatBytes(quote, new Uint8Array(100)), {}, ctx);
      assert.deepEqual(padded, claims);
      malformed(() => parseIntelQuote(byteInsideSignatureData(quote)));
    });
  }

  it('a real zero-padded TDX quote verifies, its digest over the exact quote bytes', async () => {
    const file = quoteVector(ZERO_PADDED.quote);
    const exact = declaredQuoteLength(file);
    assert.ok(file.length - exact > 1000, 'the generator left zero padding');
    assert.equal(parseIntelQuote(file).raw.length, exact);
    const claims = claimsOf(await verifyIntelQuote(file, contextAt(ZERO_PADDED.at, dcapQvlCollateral(ZERO_PADDED.collateral))), 'tdx');
    assert.deepEqual(claims.collateralDigests, expectedDigests(file.subarray(0, exact), dcapQvlCollateral(ZERO_PADDED.collateral)));
    const last = file.slice();
    last[last.length - 1] = 0x01;
    malformed(() => parseIntelQuote(last));
  });

  it('the go-tdx-guest quote published with "extra bytes (only for testing purpose)" appended is malformed', () => {
    malformed(() => parseIntelQuote(quoteVector('tdx/google-go-tdx-guest/tdx_prod_quote_SPR_E4.dat')));
  });

  it('an Open Enclave report with bytes after its declared size: non-zero is malformed, zeros are dropped', () => {
    const json = JSON.parse(vectorText('sgx/azure-samples-maa/oe-sdk.enclave.info.release.json')) as { QuoteHex: string };
    const wrapped = new Uint8Array(Buffer.from(json.QuoteHex, 'hex'));
    const exact = parseIntelQuote(wrapped).raw;
    malformed(() => parseIntelQuote(concatBytes(wrapped, Uint8Array.of(7))));
    assert.deepEqual(parseIntelQuote(concatBytes(wrapped, new Uint8Array(8))).raw, exact);
  });
});

describe('trailing bytes: forged quotes', () => {
  it('a forged quote that verifies is refused with a byte inside its signature data or after it', async () => {
    for (const quoteVersion of [3, 4] as const) {
      const world = await forgeIntelWorld({ quoteVersion });
      await verifyIntelQuote(world.rawQuote, world.context());
      await rejectsWith(verifyIntelQuote(byteInsideSignatureData(world.rawQuote), world.context()), 'ERR_EVIDENCE_MALFORMED');
      await rejectsWith(verifyIntelQuote(concatBytes(world.rawQuote, Uint8Array.of(0xff)), world.context()), 'ERR_EVIDENCE_MALFORMED');
      const padded = claimsOf(await verifyIntelQuote(concatBytes(world.rawQuote, new Uint8Array(64)), world.context()), 'sgx');
      assert.deepEqual(padded.collateralDigests, expectedDigests(world.rawQuote, world.collateral));
    }
  });
});

describe('DER ECDSA signatures have one encoding', () => {
  // SEQUENCE { INTEGER 1, INTEGER 2 } for a 32-byte scalar.
  const der = Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02);
  it('decodes the exact encoding to r || s', () => {
    const raw = ecdsaDerToRaw(der, 32, 'ERR_EVIDENCE_MALFORMED');
    assert.equal(raw[31], 1);
    assert.equal(raw[63], 2);
  });
  it('refuses a byte after the SEQUENCE and a third integer inside it', () => {
    malformed(() => ecdsaDerToRaw(concatBytes(der, Uint8Array.of(0)), 32, 'ERR_EVIDENCE_MALFORMED'));
    malformed(() => ecdsaDerToRaw(Uint8Array.of(0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x03), 32, 'ERR_EVIDENCE_MALFORMED'));
  });
});
