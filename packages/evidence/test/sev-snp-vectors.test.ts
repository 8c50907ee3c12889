/**
 * SEV-SNP reports from real AMD hardware (../shared/vectors, see its README "AMD SEV-SNP" and
 * "Azure"), verified offline against the pinned AMD roots at a time inside the VCEK validity.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '@confide/core';
import { claimsOf, parseSnpReport, snpVerifier, verifySnpReport, type AmdCollateralRequest, type Claims, type SevSnpClaims } from '../src/index.js';
import { at, vector, vectorText, vectorsMissing } from '@confide/test-kit/vectors';
import { amdCollateral, pemCertificates } from '@confide/test-kit/amd-pki';

/** 2026-06-01, inside every VCEK validity below except the VLEK's. */
const PIN = 1780272000;

interface Expected {
  version: number;
  product: 'Milan' | 'Genoa' | 'Turin';
  measurement: string;
  policy: string;
  reportedTcb: Record<string, number>;
  chipId: string;
  signingKey: 'vcek' | 'vlek';
  debug: boolean;
  vmpl?: number;
  guestSvn?: number;
}

interface Case {
  name: string;
  report: () => Uint8Array;
  vek: () => Uint8Array;
  chain?: () => Uint8Array[];
  pin: number;
  expected: Expected;
}

const HCL_SNP_OFFSET = 32;
const hclReport = (path: string) => () => vector(path).slice(HCL_SNP_OFFSET, HCL_SNP_OFFSET + 1184);
const zeros = (n: number) => '00'.repeat(n);

const CASES: Case[] = [
  {
    name: 'go-sev-guest Milan v2 (debug policy)',
    report: () => vector('sev-snp/google-go-sev-guest/attestation.bin'),
    vek: () => vector('sev-snp/google-go-sev-guest/vcek.der'),
    pin: PIN,
    expected: {
      version: 2,
      product: 'Milan',
      measurement: 'b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01',
      policy: '0xb0000',
      reportedTcb: { bootloader: 2, tee: 0, snp: 5, microcode: 68 },
      chipId:
        '3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e359669a2b76a1936776b564ea464cdce40c05f63c9b610c5068b006b5d',
      signingKey: 'vcek',
      debug: true,
    },
  },
  {
    name: 'trustee Milan v2 test-report',
    report: () => vector('sev-snp/trustee/test-report.bin'),
    vek: () => vector('sev-snp/trustee/test-vcek.der'),
    pin: PIN,
    expected: {
      version: 2,
      product: 'Milan',
      measurement: 'a1f3930413247bb38cfc171579ea3c12d5fe4901f0c792f63fd75d98f1ef827c23500644e0e692e6be917f9050d3d38c',
      policy: '0x3001f',
      reportedTcb: { bootloader: 3, tee: 0, snp: 8, microcode: 115 },
      chipId:
        'c38427a30d4c7af9d96f7a15b97269825a64cb76a2352ffd5d18115d89ad473f8e8c0bcd9a5d9286612bad4aadfb4426205a3b9e4fea82301135a170e477524e',
      signingKey: 'vcek',
      debug: false,
      guestSvn: 4,
    },
  },
  {
    name: 'trustee Milan v3 VLEK (AWS)',
    report: () => vector('sev-snp/trustee/test-vlek-report.bin'),
    vek: () => vector('sev-snp/trustee/test-vlek.der'),
    pin: 1748736000,
    expected: {
      version: 3,
      product: 'Milan',
      measurement: '8922ebbdd00ec2c541f36a6e7a82a8773a7accb451ed67bc94e740dbe92c93c4e8c9af857f5ceeb5a493df2a570d7bf0',
      policy: '0x30000',
      reportedTcb: { bootloader: 4, tee: 0, snp: 24, microcode: 217 },
      chipId: zeros(64),
      signingKey: 'vlek',
      debug: false,
      vmpl: 1,
    },
  },
  {
    name: 'virtee Milan v2',
    report: () => vector('sev-snp/virtee-sev/report_milan.extracted.bin'),
    vek: () => vector('sev-snp/virtee-sev/vcek_milan.der'),
    pin: PIN,
    expected: {
      version: 2,
      product: 'Milan',
      measurement: '7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d3e1a0dc39b2c60bd95b9c480cd81841f',
      policy: '0x30000',
      reportedTcb: { bootloader: 3, tee: 0, snp: 8, microcode: 115 },
      chipId:
        'd49554ec717f4e5b0fe6b143bcf0405bd7ae304727edf46603f2a76aef6a3abc15d7af38db757039029f0efacfd08e244324884738c72b082e2f87a44d541eb6',
      signingKey: 'vcek',
      debug: false,
    },
  },
  {
    name: 'oak Genoa v5',
    report: () => vector('sev-snp/project-oak/genoa_snp_report.bin'),
    vek: () => vector('sev-snp/project-oak/genoa_vcek.der'),
    pin: PIN,
    expected: {
      version: 5,
      product: 'Genoa',
      measurement: 'c57729018b0a6fb90dc17bb138b0aa35e4401004283ff4a2c24d3739ff3750f52384370e77b7032862a08c440a9bc4dc',
      policy: '0x30000',
      reportedTcb: { bootloader: 10, tee: 0, snp: 25, microcode: 84 },
      chipId:
        'd2421d976f95ce0ba849b7cc5c789122f1e59c77a037272c137ae4d188bb102adbc7c53d0302bff82a432c94a305dec7a7a270ceb19a10f04a83316c6486968d',
      signingKey: 'vcek',
      debug: false,
    },
  },
  {
    name: 'oak Turin v5',
    report: () => vector('sev-snp/project-oak/turin_snp_report.bin'),
    vek: () => vector('sev-snp/project-oak/turin_vcek.der'),
    pin: PIN,
    expected: {
      version: 5,
      product: 'Turin',
      measurement: 'f924dd18f168df60fbea937f0b086284d51b1b376de872bac43694f61134d57967c318018de7335503023dbb50dee624',
      policy: '0x30000',
      reportedTcb: { fmc: 0, bootloader: 1, tee: 0, snp: 2, microcode: 71 },
      chipId: '3b42092f69c656d3' + zeros(56),
      signingKey: 'vcek',
      debug: false,
    },
  },
  {
    name: 'Azure HCL report (trustee az-snp-vtpm), chain from vcek.pem',
    report: hclReport('azure/trustee-az-snp-vtpm/hcl-report.bin'),
    vek: () => pemCertificates(vectorText('azure/trustee-az-snp-vtpm/vcek.pem'))[0]!,
    chain: () => pemCertificates(vectorText('azure/trustee-az-snp-vtpm/vcek.pem')).slice(1),
    pin: PIN,
    expected: {
      version: 2,
      product: 'Milan',
      measurement: '9ac48fcac8a2d88aeeff8d427ad4f2be0e3917c748a18bdf52cc317e7fe20308b459d5ef1a12e0c22944eb386d17c315',
      policy: '0x3001f',
      reportedTcb: { bootloader: 3, tee: 0, snp: 8, microcode: 115 },
      chipId:
        '19752a447db501a32ade46428a46e92639bd3515dbb45e2e67bbcb0934ffcf1f3e3c004ccb4a99c9fa7e4ffb09da6b324ac58acedaf679f24ba7db5f838c6cca',
      signingKey: 'vcek',
      debug: false,
      guestSvn: 5,
    },
  },
  ...(['v0', 'v1', 'v2'] as const).map(
    (v): Case => ({
      name: `Azure evidence-${v} (Milan v3)`,
      report: hclReport(`azure/trustee-az-snp-vtpm/extracted/evidence-${v}.hcl-report.bin`),
      vek: () => vector(`azure/trustee-az-snp-vtpm/extracted/evidence-${v}.vcek.der`),
      pin: PIN,
      expected: {
        version: 3,
        product: 'Milan',
        measurement:
          v === 'v2'
            ? '5b0ce64ad1c1f6375dbda5f760b98526ca1bcf91b8195091afc28e7b024251d68fe32e05af34048d6607678cd23283ff'
            : '6a063be9dd79f6371c842e480f8dc3b5c725961344e57130e88c5adf49e8f7f6c79b75a5eb77fc769959f4aeb2f9401e',
        policy: '0x3001f',
        reportedTcb: { bootloader: 4, tee: 0, snp: 24, microcode: 219 },
        chipId:
          v === 'v2'
            ? '2e0e62a0e6f39bc491381b091ff79cfe03ad0b42a6bbe764fd408923963d9097440365dbf8c3412c8da4969024d81b19c1d4f12197f460bf2b5283a25e32f684'
            : '66a5a7b4403a3006ca734aa36a76dd3061d56f398e1e73b0be683ecd2eede9e70811c677abf8d9c9251b52baafbdc97b8121ec0c75661ffba636073b09fa563a',
        signingKey: 'vcek',
        debug: false,
      },
    }),
  ),
  {
    name: 'Azure evidence-genoa (Genoa v3)',
    report: hclReport('azure/trustee-az-snp-vtpm/extracted/evidence-genoa.hcl-report.bin'),
    vek: () => vector('azure/trustee-az-snp-vtpm/extracted/evidence-genoa.vcek.der'),
    pin: PIN,
    expected: {
      version: 3,
      product: 'Genoa',
      measurement: 'f57dc09a507c6ecd82369bffb600f0003792f4d99bc26e985ec0c266fc34faf3706faf814c9e61065768a6ff917c89ae',
      policy: '0x3001f',
      reportedTcb: { bootloader: 10, tee: 0, snp: 23, microcode: 84 },
      chipId:
        '0506ffba875e939c2729d20c74eb72b4c5ba6bf7ea1faaa640141f12c6d64782fb487f68ce69dcd021e914cc0d9244327bc121f0242d6470903ad1d4aaea4ad1',
      signingKey: 'vcek',
      debug: false,
      guestSvn: 65547,
    },
  },
];

async function verifyCase(c: Case, seen?: AmdCollateralRequest[]): Promise<Claims> {
  const report = snpVerifier.parse(c.report());
  const chain = c.chain?.();
  return snpVerifier.verify(report, {
    clock: fixedClock(at(c.pin)),
    collateral: amdCollateral({ vek: c.vek(), ...(chain ? { chain } : {}) }, seen),
  });
}

describe('SEV-SNP real reports', { skip: vectorsMissing }, () => {
  for (const c of CASES) {
    it(`verifies ${c.name}`, async () => {
      const seen: AmdCollateralRequest[] = [];
      const claims = await verifyCase(c, seen);
      const e = c.expected;
      const snp: SevSnpClaims = claimsOf(claims, 'sev-snp').sevSnp;
      assert.equal(claims.tee, 'sev-snp');
      assert.equal(claims.measurement, e.measurement);
      assert.equal(claims.debug, e.debug);
      assert.equal(claims.chipId, e.chipId);
      assert.equal(claims.tcbStatus, 'UpToDate');
      assert.deepEqual(claims.advisoryIds, []);
      assert.equal(claims.collateralExpired, false);
      assert.deepEqual(claims.expiredCollateral, []);
      assert.equal(claims.verifiedAt, at(c.pin).toISOString());
      assert.equal(snp.version, e.version);
      assert.equal(snp.product, e.product);
      assert.equal(snp.policy.hex, e.policy);
      assert.equal(snp.policy.debug, e.debug);
      assert.equal(snp.signingKey, e.signingKey);
      const { raw: _raw, ...tcb } = snp.reportedTcb;
      assert.deepEqual(tcb, e.reportedTcb);
      if (e.vmpl !== undefined) assert.equal(snp.vmpl, e.vmpl);
      if (e.guestSvn !== undefined) assert.equal(snp.guestSvn, e.guestSvn);
      // The provider is asked for the right key; v2 reports name no product.
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.keyType, e.signingKey);
      assert.equal(seen[0]!.product, e.version >= 3 ? e.product : undefined);
      assert.equal(seen[0]!.chipId, e.chipId);
      assert.equal(seen[0]!.reportedTcb, snp.reportedTcb.raw);
    });
  }

  it('decodes every field of the oak Turin v5 report', async () => {
    const c = CASES.find((x) => x.name === 'oak Turin v5')!;
    const claims = await verifyCase(c);
    const snp: Record<string, unknown> = { ...claimsOf(claims, 'sev-snp').sevSnp };
    assert.equal(claims.reportData, 'e0fd0bdb6aa4030a6ddea9073e1fcec5be6c782a2c8075a0825dfb3d9a81b924' + zeros(32));
    assert.deepEqual(snp['cpuid'], { family: 0x1a, model: 0x02, stepping: 0x01 });
    assert.deepEqual(snp['currentTcb'], { raw: '0001000200000047', fmc: 0, bootloader: 1, tee: 0, snp: 2, microcode: 71 });
    assert.deepEqual(snp['launchTcb'], snp['currentTcb']);
    assert.deepEqual(snp['committedTcb'], snp['currentTcb']);
    assert.deepEqual(snp['policy'], {
      hex: '0x30000',
      abiMajor: 0,
      abiMinor: 0,
      smt: true,
      migrateMa: false,
      debug: false,
      singleSocket: false,
      cxlAllow: false,
      memAes256Xts: false,
      raplDis: false,
      ciphertextHiding: false,
      pageSwapDisable: false,
    });
    assert.deepEqual(snp['platformInfo'], {
      hex: '0x67',
      smtEn: true,
      tsmeEn: true,
      eccEn: true,
      raplDis: false,
      ciphertextHidingEn: false,
      aliasCheckComplete: true,
      tioEn: false,
    });
    assert.deepEqual(snp['currentVersion'], { major: 1, minor: 55, build: 61 });
    assert.deepEqual(snp['committedVersion'], { major: 1, minor: 55, build: 61 });
    assert.equal(snp['launchMitVector'], '0x0');
    assert.equal(snp['currentMitVector'], '0x0');
    assert.equal(snp['vmpl'], 0);
    assert.equal(snp['signatureAlgo'], 1);
    assert.equal(snp['authorKeyEn'], false);
    assert.equal(snp['maskChipKey'], false);
  });

  it('decodes the oak Genoa v5 mitigation vectors and the Genoa TCB layout', async () => {
    const claims = await verifyCase(CASES.find((x) => x.name === 'oak Genoa v5')!);
    const snp: Record<string, unknown> = { ...claimsOf(claims, 'sev-snp').sevSnp };
    assert.equal(snp['launchMitVector'], '0x1');
    assert.equal(snp['currentMitVector'], '0x1');
    assert.deepEqual(snp['currentTcb'], { raw: '0a00000000001954', bootloader: 10, tee: 0, snp: 25, microcode: 84 });
    assert.deepEqual(snp['cpuid'], { family: 0x19, model: 0x11, stepping: 0x01 });
  });

  it('leaves bits a v2 report does not define undecoded', async () => {
    const claims = await verifyCase(CASES[0]!);
    const snp: Record<string, unknown> = { ...claimsOf(claims, 'sev-snp').sevSnp };
    assert.deepEqual(snp['policy'], { hex: '0xb0000', abiMajor: 0, abiMinor: 0, smt: true, migrateMa: false, debug: true, singleSocket: false });
    assert.deepEqual(snp['platformInfo'], { hex: '0x1', smtEn: true, tsmeEn: false });
    assert.equal(snp['cpuid'], undefined);
    assert.equal(snp['launchMitVector'], undefined);
    assert.equal(claims.reportData, '0102030405' + zeros(59));
  });

  it('names the cloud provider of a VLEK', async () => {
    const claims = await verifyCase(CASES.find((x) => x.expected.signingKey === 'vlek')!);
    assert.equal(claimsOf(claims, 'sev-snp').sevSnp.cspId, 'CN=cc-us-east-2.amazonaws.com');
  });

  it('reports the VLEK as expired after 2025-12-10, without refusing the report', async () => {
    const c = CASES.find((x) => x.expected.signingKey === 'vlek')!;
    const claims = await verifyCase({ ...c, pin: PIN });
    assert.equal(claims.collateralExpired, true);
    assert.deepEqual(claims.expiredCollateral, ['cert:SEV-VLEK']);
  });

  it("names the chip when the VCEK is another chip's (a real VCEK of another vector)", async () => {
    // go-sev-guest's Milan report with trustee's Milan VCEK: AMD-signed, but for another chip.
    const wrong: Case = { ...CASES[0]!, vek: CASES[1]!.vek };
    await assert.rejects(verifyCase(wrong), (err: { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(err.code, 'ERR_EVIDENCE_SIGNATURE_INVALID');
      assert.equal(err.details?.mismatch, 'chipId');
      assert.equal(err.details?.chipId, CASES[0]!.expected.chipId);
      return true;
    });
  });

  it("names the TCB when the VCEK is for another reported TCB (the chip's own VCEK, a report claiming another TCB)", async () => {
    // The report's REPORTED_TCB (offset 0x180, boot loader SPL first) no longer matches the VCEK's
    // TCB extensions, and the signature fails over the changed bytes; the chip ID still matches.
    const base = CASES[0]!;
    const otherTcb: Case = {
      ...base,
      report: () => {
        const bytes = base.report().slice();
        bytes[0x180] = (bytes[0x180]! + 1) & 0xff;
        return bytes;
      },
    };
    await assert.rejects(verifyCase(otherTcb), (err: { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(err.code, 'ERR_EVIDENCE_SIGNATURE_INVALID');
      assert.equal(err.details?.mismatch, 'tcb');
      return true;
    });
  });

  it('accepts the expected report data as leading bytes', async () => {
    const c = CASES[0]!;
    const claims = await verifySnpReport(parseSnpReport(c.report()), {
      clock: fixedClock(at(c.pin)),
      collateral: amdCollateral({ vek: c.vek() }),
      expectedReportData: Uint8Array.of(1, 2, 3, 4, 5),
    });
    assert.equal(claims.measurement, c.expected.measurement);
  });
});
