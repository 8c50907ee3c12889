/** `confide verify` on Azure confidential VM evidence (../shared/vectors/azure), in process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vectorPath as v, vectorsMissing as skip } from '@confide/test-kit/vectors';
import { runInProcess } from './in-process.js';

const SNP = v('azure/trustee-az-snp-vtpm');
const TDX = v('azure/trustee-az-tdx-vtpm');
const SNP_AT = '2026-06-01T00:00:00Z';
const TDX_AT = '1759172698';
const TDX_COLLATERAL = v('tdx/derived-collateral/tdx_00806f050000_2025-09-29_collateral.json');
const CHALLENGE = Buffer.from('challenge').toString('hex');

test('verify: Trustee az-snp-vtpm JSON is recognised and verified end to end (exit 0)', { skip }, async () => {
  const r = await runInProcess(['--json', 'verify', join(SNP, 'evidence-v1.json'), '--at', SNP_AT]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const claims = JSON.parse(r.stdout).claims;
  assert.equal(claims.tee, 'azure-cvm');
  assert.equal(claims.azureCvm.hardware, 'sev-snp');
  assert.equal(claims.tpm.nonce, CHALLENGE);
  const text = await runInProcess(['verify', join(SNP, 'evidence-genoa.json'), '--at', SNP_AT]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Authentic azure-cvm evidence/);
  assert.match(text.stdout, /vtpm keys\s+HCLAkPub, HCLEkPub/);
});

test('verify: an SNP HCL report from its raw parts with --tpm-quote (bincode or JSON) and --vcek, and the nonce', { skip }, async () => {
  for (const quote of ['quote.bin', 'tpm-quote-v1.json']) {
    const r = await runInProcess(['--json', 'verify', join(SNP, 'hcl-report.bin'), '--tpm-quote', join(SNP, quote), '--vcek', join(SNP, 'vcek.pem'), '--nonce', CHALLENGE, '--at', SNP_AT, '--tee', 'azure-cvm']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(JSON.parse(r.stdout).claims.measurement.startsWith('9ac48fca'));
  }
  const wrong = await runInProcess(['--json', 'verify', join(SNP, 'hcl-report.bin'), '--tpm-quote', join(SNP, 'quote.bin'), '--vcek', join(SNP, 'vcek.pem'), '--nonce', 'abcd', '--at', SNP_AT, '--tee', 'azure-cvm']);
  assert.equal(wrong.code, 2, wrong.stdout + wrong.stderr);
  assert.equal(JSON.parse(wrong.stdout).error.code, 'ERR_EVIDENCE_BINDING_MISMATCH');
});

test('verify: a TDX HCL report with --td-quote and collateral; recognised without --tee', { skip }, async () => {
  const r = await runInProcess(['--json', 'verify', join(TDX, 'hcl-report.bin'), '--tpm-quote', join(TDX, 'quote.bin'), '--td-quote', join(TDX, 'td-quote.bin'), '--collateral', TDX_COLLATERAL, '--at', TDX_AT]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const claims = JSON.parse(r.stdout).claims;
  assert.equal(claims.azureCvm.hardware, 'tdx');
  assert.equal(claims.tcbStatus, 'OutOfDate');
});

test('verify: a tampered runtime data is exit 2; the raw flags are usage errors elsewhere or twice (exit 1)', { skip }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'confide-verify-azure-'));
  const hcl = new Uint8Array(readFileSync(join(SNP, 'hcl-report.bin')));
  hcl[1236 + 200]! ^= 0x01;
  const bad = join(tmp, 'hcl.bin');
  writeFileSync(bad, hcl);
  const r = await runInProcess(['--json', 'verify', bad, '--tpm-quote', join(SNP, 'quote.bin'), '--vcek', join(SNP, 'vcek.pem'), '--at', SNP_AT]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).error.code, 'ERR_EVIDENCE_BINDING_MISMATCH');
  const noQuote = await runInProcess(['verify', join(SNP, 'hcl-report.bin'), '--at', SNP_AT]);
  assert.equal(noQuote.code, 1, noQuote.stderr);
  assert.match(noQuote.stderr, /--tpm-quote is required/);
  const twice = await runInProcess(['verify', join(SNP, 'evidence-v1.json'), '--vcek', join(SNP, 'vcek.pem'), '--at', SNP_AT]);
  assert.equal(twice.code, 1, twice.stderr);
  const elsewhere = await runInProcess(['verify', v('sev-snp/google-go-sev-guest/attestation.bin'), '--tpm-quote', join(SNP, 'quote.bin')]);
  assert.equal(elsewhere.code, 1, elsewhere.stderr);
  assert.match(elsewhere.stderr, /only for Azure CVM evidence/);
});
