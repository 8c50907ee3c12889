/**
 * Runtime-agnosticism of the evidence package: real hardware evidence (SGX, TDX, SEV-SNP, NVIDIA, TPM) and
 * corrupted twins verified by the same suite (test/browser/suite.ts) in Node and in headless
 * Chromium give the same claims and the same codes. Skipped, with a message, where no Chromium
 * or no vectors exist; CI installs Chromium (.ci/run).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserUnavailable, runInBrowser } from '@confide/test-kit';
import { verifyCases, type EvidenceCase, type EvidenceOutcome } from './browser/suite.js';
import { vector, vectorText, vectorsMissing } from '@confide/test-kit/vectors';
import { quoteVector } from './intel-quote-support.js';
import { GCE_ROOT, TPM_PIN, gceParts } from './tpm-support.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const at = (unix: number): string => new Date(unix * 1000).toISOString();

function cases(): EvidenceCase[] {
  const sgx = quoteVector('sgx/phala-dcap-qvl/sgx_quote');
  const tdx = quoteVector('tdx/phala-dcap-qvl/tdx_quote');
  const snp = vector('sev-snp/trustee/test-report.bin');
  const flipped = (b: Uint8Array, i: number): Uint8Array => {
    const c = b.slice();
    c[i] = c[i]! ^ 0x01;
    return c;
  };
  const sgxCollateral = vectorText('sgx/phala-dcap-qvl/sgx_quote_collateral.json');
  const tdxCollateral = vectorText('tdx/phala-dcap-qvl/tdx_quote_collateral.json');
  const vcek = b64(vector('sev-snp/trustee/test-vcek.der'));
  // NVIDIA evidence as JSON entries carry their device chain, so the suite needs no collateral for them.
  const gpu = (JSON.parse(vectorText('nvidia/nvtrust/ppcie_gpu_evidence.json')) as Array<{ evidence: string; certificate: string }>)[0]!;
  const entry = (report: Uint8Array, certificate: string): string => b64(new TextEncoder().encode(JSON.stringify({ evidence: b64(report), certificate })));
  const gpuReport = new Uint8Array(Buffer.from(gpu.evidence, 'base64'));
  const trustee = new Uint8Array(Buffer.from(vectorText('nvidia/trustee/hopper_coco_report1.txt').trim(), 'hex'));
  const trusteeChain = b64(new TextEncoder().encode(vectorText('nvidia/trustee/hopper_coco_certs1.txt')));
  // TPM evidence as Confide's JSON document: the GCE quotes, PCRs, event log and AK chain.
  const gce = gceParts('nonce9009');
  const tpmJson = (eventLog: Uint8Array): string =>
    b64(
      new TextEncoder().encode(
        JSON.stringify({
          tpm: {
            quotes: gce.quotes.map((q) => ({ quote: b64(q.quote), signature: b64(q.signature) })),
            ak: b64(gce.ak),
            pcrs: gce.pcrs,
            eventLog: b64(eventLog),
            akCertificates: gce.akCertificates!.map(b64),
          },
        }),
      ),
    );
  const tpmRoots = [b64(vector(GCE_ROOT))];
  // The SHA-1 digest of the last event (PCR 5, "Exit Boot Services Returned with Success").
  const lastEvent = gce.eventLog!.length - 4 - 40 - (2 + 48) - (2 + 32) - (2 + 20) + 2;
  // Azure CVM evidence as Trustee's JSON (the VCEK inside); v0 with one runtime-data byte changed.
  const azure = vector('azure/trustee-az-snp-vtpm/evidence-v1.json');
  const azureV0 = JSON.parse(vectorText('azure/trustee-az-snp-vtpm/evidence-v0.json')) as { report: number[] };
  azureV0.report[1236 + 100] = azureV0.report[1236 + 100]! ^ 0x01;
  const azureFlipped = b64(new TextEncoder().encode(JSON.stringify(azureV0)));
  return [
    { name: 'SGX', evidence: b64(sgx), intelCollateral: sgxCollateral, at: at(1750334171) },
    { name: 'SGX, report data flipped', evidence: b64(flipped(sgx, 48 + 320)), intelCollateral: sgxCollateral, at: at(1750334171) },
    { name: 'SGX, a trailing byte', evidence: b64(Uint8Array.from([...sgx, 1])), intelCollateral: sgxCollateral, at: at(1750334171) },
    { name: 'TDX', evidence: b64(tdx), intelCollateral: tdxCollateral, at: at(1750332747) },
    { name: 'TDX, no collateral', evidence: b64(tdx), at: at(1750332747) },
    { name: 'SEV-SNP', evidence: b64(snp), vcek, at: at(1780272000) },
    { name: 'SEV-SNP, measurement flipped', evidence: b64(flipped(snp, 0x90)), vcek, at: at(1780272000) },
    { name: 'NVIDIA H100 (PPCIe entry)', evidence: entry(gpuReport, gpu.certificate), at: at(1780272000) },
    { name: 'NVIDIA H100, a measurement flipped', evidence: entry(flipped(gpuReport, 37 + 8 + 7), gpu.certificate), at: at(1780272000) },
    { name: 'NVIDIA H100 (Trustee), the stray byte', evidence: entry(trustee, trusteeChain), at: at(1780272000) },
    { name: 'TPM (GCE, with event log and AK chain)', evidence: tpmJson(gce.eventLog!), tee: 'tpm', tpmRoots, at: at(TPM_PIN) },
    { name: 'TPM, an event digest flipped', evidence: tpmJson(flipped(gce.eventLog!, lastEvent)), tee: 'tpm', tpmRoots, at: at(TPM_PIN) },
    { name: 'TPM, not asked for by name', evidence: tpmJson(gce.eventLog!), tpmRoots, at: at(TPM_PIN) },
    { name: 'Azure CVM (Trustee az-snp-vtpm v1)', evidence: b64(azure), at: at(1780272000) },
    { name: 'Azure CVM, a runtime data byte flipped', evidence: azureFlipped, at: at(1780272000) },
    { name: 'TPM (go-attestation Windows)', evidence: b64(vector('tpm/google-go-attestation/windows_gcp_shielded_vm.json')), tee: 'tpm', at: at(TPM_PIN) },
  ];
}

const skip = vectorsMissing ? 'real hardware vectors not found' : browserUnavailable();

describe('evidence in headless Chromium', { skip }, () => {
  it('verifies real SGX, TDX, SEV-SNP, NVIDIA, TPM and Azure CVM evidence and corrupted twins exactly as Node does', async () => {
    const input = cases();
    const node = await verifyCases(input);
    assert.deepEqual(
      node.map((o) => ('code' in o ? o.code : (o.claims as { tee: string }).tee)),
      [
        'sgx',
        'ERR_EVIDENCE_SIGNATURE_INVALID',
        'ERR_EVIDENCE_MALFORMED',
        'tdx',
        'ERR_COLLATERAL_MISSING',
        'sev-snp',
        'ERR_EVIDENCE_SIGNATURE_INVALID',
        'nvidia',
        'ERR_EVIDENCE_SIGNATURE_INVALID',
        'ERR_EVIDENCE_MALFORMED',
        'tpm',
        'ERR_EVIDENCE_BINDING_MISMATCH',
        'ERR_EVIDENCE_UNSUPPORTED',
        'azure-cvm',
        'ERR_EVIDENCE_BINDING_MISMATCH',
        'tpm',
      ],
    );
    const browser = await runInBrowser<EvidenceOutcome[]>({ module: 'packages/evidence/dist/test/browser/suite.js', exportName: 'verifyCases', input });
    assert.deepEqual(browser, node);
  });
});
