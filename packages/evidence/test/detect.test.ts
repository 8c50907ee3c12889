import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toBase64, toBase64Url, toHex, utf8 } from '@confide/core';
import { detectEvidence, detectTee } from '../src/index.js';
import { vector, vectorText, vectorsMissing } from '@confide/test-kit/vectors';

const text = (s: string): Uint8Array => utf8(s);

const BINARY: [string, 'sgx' | 'tdx' | 'sev-snp', number | undefined][] = [
  ['sgx/phala-dcap-qvl/sgx_quote', 'sgx', 3],
  ['sgx/mobilecoin-attestation/hw_quote.dat', 'sgx', 3],
  ['sgx/teekit-samples/sgx-occlum.dat', 'sgx', 3],
  ['tdx/phala-dcap-qvl/tdx_quote', 'tdx', 4],
  ['tdx/phala-dcap-qvl/tdx_quote_outdated', 'tdx', 5],
  ['tdx/google-go-tdx-guest/quote_v5_sample.dat', 'tdx', 5],
  ['tdx/trustee/tdx_quote_4.dat', 'tdx', 4],
  ['azure/trustee-az-tdx-vtpm/td-quote.bin', 'tdx', 4],
  ['sev-snp/google-go-sev-guest/attestation.bin', 'sev-snp', undefined],
  ['sev-snp/trustee/test-vlek-report.bin', 'sev-snp', undefined],
  ['sev-snp/project-oak/genoa_snp_report.bin', 'sev-snp', undefined],
  ['sev-snp/project-oak/turin_snp_report.bin', 'sev-snp', undefined],
];

for (const [path, tee, version] of BINARY) {
  test(`detect ${path}: binary, hex, base64 and base64url all give ${tee}`, { skip: vectorsMissing }, () => {
    const raw = vector(path);
    const format = tee === 'sev-snp' ? 'sev-snp-report' : 'intel-quote';
    const inputs: [Uint8Array, 'binary' | 'hex' | 'base64'][] = [
      [raw, 'binary'],
      [text(toHex(raw)), 'hex'],
      [text(`  0x${toHex(raw).toUpperCase()}\r\n`), 'hex'],
      [text(toBase64(raw)), 'base64'],
      [text(`\n${toBase64(raw).replace(/(.{76})/g, '$1\n')}\n`), 'base64'],
      [text(toBase64Url(raw)), 'base64'],
    ];
    for (const [input, encoding] of inputs) {
      const d = detectEvidence(input);
      assert.equal(d.tee, tee);
      assert.equal(d.format, format);
      assert.equal(d.encoding, encoding);
      assert.equal(d.quoteVersion, version);
      assert.equal(d.supported, true);
      assert.deepEqual(d.bytes, raw);
    }
    assert.equal(detectTee(raw), tee);
  });
}

test('hex and base64 text files from the vectors', { skip: vectorsMissing }, () => {
  const cases: [string, 'sgx' | 'tdx' | 'sev-snp', 'hex' | 'base64', string | undefined][] = [
    ['tdx/phala-dcap-qvl/quote-from-tappd.hex', 'tdx', 'hex', undefined],
    ['tdx/phala-dcap-qvl/tdx-quote.hex', 'tdx', 'hex', undefined],
    ['tdx/phala-dcap-qvl/near_gas_test_quote_hex.txt', 'tdx', 'hex', undefined],
    ['tdx/teekit-samples/tdx-v4-azure.b64', 'tdx', 'base64', 'tdx/teekit-samples/extracted/tdx-v4-azure.quote.bin'],
    ['sev-snp/virtee-sev/report_milan.hex', 'sev-snp', 'hex', 'sev-snp/virtee-sev/report_milan.extracted.bin'],
  ];
  for (const [path, tee, encoding, binary] of cases) {
    const d = detectEvidence(vector(path));
    assert.equal(d.tee, tee, path);
    assert.equal(d.encoding, encoding, path);
    if (binary) assert.deepEqual(d.bytes, vector(binary), path);
  }
});

test('an Open Enclave header is stripped from an SGX quote', { skip: vectorsMissing }, () => {
  for (const name of ['oe-sdk.enclave.info.release', 'oe-sdk.enclave.info.debug']) {
    const quoteHex = (JSON.parse(vectorText(`sgx/azure-samples-maa/${name}.json`)) as { QuoteHex: string }).QuoteHex;
    const withHeader = fromHex(quoteHex);
    assert.equal(toHex(withHeader.subarray(0, 8)), '0100000002000000');
    for (const input of [withHeader, text(quoteHex)]) {
      const d = detectEvidence(input);
      assert.equal(d.tee, 'sgx');
      assert.equal(d.format, 'oe-sgx-quote');
      assert.deepEqual(d.bytes, vector(`sgx/azure-samples-maa/extracted/${name}.quote.bin`));
    }
  }
});

test('Azure HCL reports are recognised (SNP and TDX) but marked unsupported', { skip: vectorsMissing }, () => {
  const snp = detectEvidence(vector('azure/trustee-az-snp-vtpm/hcl-report.bin'));
  assert.equal(snp.tee, 'sev-snp');
  assert.equal(snp.format, 'azure-hcl-report');
  assert.equal(snp.supported, false);
  const tdx = detectEvidence(text(toBase64(vector('azure/trustee-az-tdx-vtpm/hcl-report.bin'))));
  assert.equal(tdx.tee, 'tdx');
  assert.equal(tdx.format, 'azure-hcl-report');
  assert.equal(tdx.encoding, 'base64');
  const odd = vector('azure/trustee-az-snp-vtpm/hcl-report.bin').slice();
  odd[1216 + 8] = 7;
  assert.throws(() => detectEvidence(odd), { code: 'ERR_EVIDENCE_UNSUPPORTED' });
  assert.throws(() => detectEvidence(odd.subarray(0, 600)), { code: 'ERR_EVIDENCE_MALFORMED' });
});

test('unknown, JSON, empty and truncated inputs throw ERR_EVIDENCE_MALFORMED', { skip: vectorsMissing }, () => {
  const quote = vector('sgx/phala-dcap-qvl/sgx_quote');
  const snp = vector('sev-snp/google-go-sev-guest/attestation.bin');
  const bad: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['whitespace', text('  \n')],
    ['random binary', Uint8Array.from({ length: 2000 }, (_, i) => (i * 7919 + 13) & 0xff)],
    ['a JSON wrapper', vector('tdx/teekit-samples/tdx-v4-gcp.json')],
    ['prose', text('this is not evidence')],
    ['odd-length hex', text(toHex(quote).slice(1))],
    ['a truncated quote', quote.subarray(0, 300)],
    ['a truncated quote in hex', text(toHex(quote.subarray(0, 300)))],
    ['an SNP report one byte short', snp.subarray(0, 1183)],
    ['an SNP report with a trailing byte', Uint8Array.from([...snp, 0])],
    ['a DER certificate', vector('sev-snp/google-go-sev-guest/vcek.der')],
  ];
  for (const [what, input] of bad) assert.throws(() => detectEvidence(input), { code: 'ERR_EVIDENCE_MALFORMED' }, what);
});

test('header fields decide: quote versions, key types, TEE types, SNP signature algorithm', { skip: vectorsMissing }, () => {
  const quote = vector('tdx/phala-dcap-qvl/tdx_quote').slice();
  // ECDSA P-384 attestation key (type 3): known, not supported.
  const p384 = quote.slice();
  p384[2] = 3;
  assert.throws(() => detectEvidence(p384), { code: 'ERR_EVIDENCE_UNSUPPORTED' });
  // Version 2 (EPID) or an unknown TEE type: not a DCAP quote.
  const v2 = quote.slice();
  v2[0] = 2;
  assert.throws(() => detectEvidence(v2), { code: 'ERR_EVIDENCE_MALFORMED' });
  const teeType = quote.slice();
  teeType[4] = 0x82;
  assert.throws(() => detectEvidence(teeType), { code: 'ERR_EVIDENCE_MALFORMED' });
  // A v3 quote is SGX only.
  const v3tdx = quote.slice();
  v3tdx[0] = 3;
  assert.throws(() => detectEvidence(v3tdx), { code: 'ERR_EVIDENCE_MALFORMED' });
  const snp = vector('sev-snp/google-go-sev-guest/attestation.bin').slice();
  snp[0x34] = 2;
  assert.throws(() => detectEvidence(snp), { code: 'ERR_EVIDENCE_MALFORMED' });
  snp[0x34] = 1;
  snp[0] = 1;
  assert.throws(() => detectEvidence(snp), { code: 'ERR_EVIDENCE_MALFORMED' });
});
