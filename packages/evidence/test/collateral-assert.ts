/** The check the collateral-provider tests share: what a provider returned is the expected Intel collateral. */
import assert from 'node:assert/strict';
import { toHex } from '@confide/core';
import type { IntelCollateral } from '@confide/evidence';
import { pemCertificates } from '../src/collateral/pem.js';

const chainHex = (pem: string): string[] => pemCertificates(pem).map(toHex);

/** Bodies, signatures and CRLs to the byte, and every issuer chain certificate by certificate (DER). */
export function assertSameIntelCollateral(got: IntelCollateral | undefined, want: IntelCollateral): asserts got is IntelCollateral {
  assert.ok(got);
  assert.equal(got.tcbInfo.body, want.tcbInfo.body);
  assert.equal(got.tcbInfo.signature, want.tcbInfo.signature);
  assert.equal(got.qeIdentity.body, want.qeIdentity.body);
  assert.deepEqual(got.pckCrl, want.pckCrl);
  assert.deepEqual(got.rootCaCrl, want.rootCaCrl);
  assert.deepEqual(chainHex(got.tcbInfo.issuerChain), chainHex(want.tcbInfo.issuerChain));
  assert.deepEqual(chainHex(got.qeIdentity.issuerChain), chainHex(want.qeIdentity.issuerChain));
  assert.deepEqual(chainHex(got.pckCrlIssuerChain), chainHex(want.pckCrlIssuerChain));
}
