/**
 * The forge checked against an independent verifier: @phala/dcap-qvl (pinned to the test
 * root) must accept forged quotes and refuse each single breakage, so that the forged-case
 * tests of our verifier rest on evidence another implementation reads the same way.
 * dcap-qvl 0.3.9 accepts SGX only as quote v3, cannot read TCB Info v2 and does not grade
 * TDX module identities; those cases are left to intel-forged.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuoteVerifier, type Collateral } from '@phala/dcap-qvl';
import { toDcapQvlCollateral } from '../src/index.js';
import { forgeIntelWorld, type ForgeIntelOptions, type IntelWorld } from '@confide/test-kit/intel-pki';

function qvlCollateral(w: IntelWorld): Collateral {
  return toDcapQvlCollateral(w.collateral);
}

async function qvl(options: ForgeIntelOptions): Promise<{ status: string; advisoryIds: string[] }> {
  const w = await forgeIntelWorld(options);
  const verifier = QuoteVerifier.newWithRootCa(Buffer.from(w.rootDer));
  const r = verifier.verify(Buffer.from(w.rawQuote), qvlCollateral(w), Math.floor(w.at.getTime() / 1000));
  return { status: r.status, advisoryIds: [...r.advisory_ids].sort() };
}

describe('forged Intel evidence read by dcap-qvl', () => {
  it('accepts a forged SGX v3 quote (PCK Processor CA)', async () => {
    assert.deepEqual(await qvl({}), { status: 'UpToDate', advisoryIds: [] });
  });

  it('accepts a forged SGX v3 quote under the PCK Platform CA, with a NUL after the PEM chain', async () => {
    assert.deepEqual(await qvl({ ca: 'platform', pemTrailingNul: true }), { status: 'UpToDate', advisoryIds: [] });
  });

  it('grades a forged SGX platform on an older TCB level', async () => {
    const r = await qvl({
      tcbInfo: {
        levels: [
          { sgx: [9, 9, 9, 9, 9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 0], pceSvn: 13, status: 'UpToDate' },
          { sgx: [3, 3, 2, 2, 4, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0], pceSvn: 13, status: 'SWHardeningNeeded', advisoryIds: ['INTEL-SA-00615'] },
        ],
      },
    });
    assert.deepEqual(r, { status: 'SWHardeningNeeded', advisoryIds: ['INTEL-SA-00615'] });
  });

  it('accepts forged TDX quotes v4, v5 with TD 1.0 body, v5 with TD 1.5 body', async () => {
    assert.deepEqual(await qvl({ tee: 'tdx' }), { status: 'UpToDate', advisoryIds: [] });
    assert.deepEqual(await qvl({ tee: 'tdx', quoteVersion: 5, bodyType: 2 }), { status: 'UpToDate', advisoryIds: [] });
    assert.deepEqual(await qvl({ tee: 'tdx', quoteVersion: 5, bodyType: 3 }), { status: 'UpToDate', advisoryIds: [] });
  });

  const breakages: Array<[string, ForgeIntelOptions, RegExp]> = [
    ['a QE report that does not bind the attestation key', { break: { qeBinding: true } }, /QE report hash mismatch/],
    ['a bad quote signature', { break: { quoteSignature: true } }, /signature is invalid/],
    ['a bad QE report signature', { break: { qeReportSignature: true } }, /signature is invalid/i],
    ['a PCK certificate not signed by its CA', { break: { pckCertSignature: true } }, /certificate chain/i],
    ['a bad TCB Info signature', { break: { tcbInfoSignature: true } }, /tcb_info/],
    ['a bad QE Identity signature', { break: { qeIdentitySignature: true } }, /qe_identity/],
    ['a revoked PCK certificate', { revokePck: true }, /revoked/],
    ['a chain under another root', { break: { foreignRoot: true } }, /certificate chain/i],
    ['an expired TCB Info', { tcbInfo: { nextUpdate: new Date('2025-05-30T00:00:00Z') } }, /TCBInfo expired/],
    ['a TDX quote with a bad signature', { tee: 'tdx', break: { quoteSignature: true } }, /signature is invalid/],
  ];
  for (const [what, options, message] of breakages) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(qvl(options), (err: Error) => {
        assert.match(`${err.message} ${(err.cause as Error | undefined)?.message ?? ''}`, message);
        return true;
      });
    });
  }
});
