/**
 * The state machine table and the evidence validator port: every operation refused outside its
 * states with the state it found, the check repeated inside the transaction, and activation and
 * sign-quote run with a mock validator and an always-failing one (nothing is written on failure).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isConfideError, utf8, type ConfideError } from '@confide/core';
import { emptyCollateral, type Claims } from '@confide/evidence';
import { openSqliteStore } from '@confide/store';
import { testIdentity } from '@confide/test-kit/identity';
import {
  assertAllowed,
  CoordinatorService,
  CoordinatorState,
  createFailingValidator,
  createMemorySealProvider,
  createMockValidator,
  OPERATIONS,
  type EvidenceValidator,
  type Operation,
} from '../src/index.js';

const MEASUREMENT = '42'.repeat(32);
const UUID = '6f0c5e5e-0000-4000-8000-000000000001';
const code = (c: ConfideError['code']) => (err: unknown) => isConfideError(err, c);

const MANIFEST = utf8(
  JSON.stringify({
    Packages: { pkg: { Tee: 'sim', UniqueID: MEASUREMENT, Debug: false } },
    Marbles: { m: { Package: 'pkg', Parameters: { Argv: ['m'] } } },
    Config: { FeatureGates: ['SignQuoteEndpoint'] },
  }),
);

async function marbleCert(): Promise<{ der: Uint8Array; binding: Uint8Array }> {
  const { der, spki } = await testIdentity('marble');
  return { der, binding: new Uint8Array(createHash('sha256').update(spki).digest()) };
}

async function deployed(validator: EvidenceValidator) {
  const store = openSqliteStore(':memory:');
  const c = await CoordinatorService.start({ store, seal: createMemorySealProvider(new Uint8Array(32).fill(7)), evidence: { collateral: emptyCollateral }, validator });
  await c.setManifest(MANIFEST);
  return { c, store };
}

test('the table: each operation runs only in its states, and the refusal names the state found', () => {
  const states = [CoordinatorState.Recovery, CoordinatorState.AcceptingManifest, CoordinatorState.AcceptingMarbles];
  for (const op of Object.keys(OPERATIONS) as Operation[]) {
    for (const s of states) {
      const allowed = (OPERATIONS[op].allowed as readonly number[]).includes(s);
      if (allowed) assert.doesNotThrow(() => assertAllowed(op, s), op);
      else assert.throws(() => assertAllowed(op, s), (err: unknown) => isConfideError(err, 'ERR_COORDINATOR_STATE') && err.details?.state === s, `${op} in ${s}`);
    }
  }
  assert.deepEqual(OPERATIONS.setManifest.allowed, [CoordinatorState.AcceptingManifest]);
  assert.deepEqual(OPERATIONS.recover.allowed, [CoordinatorState.Recovery]);
});

test('two manifests set at once: both pass the early check, the transaction lets exactly one through', async () => {
  const c = await CoordinatorService.start({ store: openSqliteStore(':memory:'), seal: createMemorySealProvider(), evidence: { collateral: emptyCollateral } });
  const results = await Promise.allSettled([c.setManifest(MANIFEST), c.setManifest(MANIFEST)]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.ok(isConfideError(refused.reason, 'ERR_COORDINATOR_STATE') && refused.reason.details?.state === CoordinatorState.AcceptingMarbles, String(refused.reason));
  assert.equal((await c.updateLog()).length, 1);
});

test('a mock validator: activation runs on its claims, asked for the package TEE and the certificate binding', async () => {
  const validator = createMockValidator(() => ({ measurement: MEASUREMENT }));
  const { c } = await deployed(validator);
  const m = await marbleCert();
  const out = await c.activate({ marbleType: 'm', uuid: UUID, evidence: new Uint8Array([1]), clientCertificate: m.der });
  assert.deepEqual(out.parameters.argv, ['m']);
  assert.equal(validator.calls.length, 1);
  assert.equal(validator.calls[0]!.expected.tee, 'sim');
  assert.deepEqual(validator.calls[0]!.expected.reportData, m.binding);
  // The package match runs on the claims: another measurement is refused by the coordinator, not the validator.
  const other = await deployed(createMockValidator(() => ({ measurement: '43'.repeat(32) })));
  await assert.rejects(other.c.activate({ marbleType: 'm', uuid: UUID, evidence: new Uint8Array([1]), clientCertificate: m.der }), code('ERR_ACTIVATION_REFUSED'));
  // A validator that answers another TEE than the one asked for is not believed.
  const honest = createMockValidator(() => ({ measurement: MEASUREMENT }));
  const liar: EvidenceValidator = { validate: async (evidence) => ({ ...(await honest.validate(evidence, {})), tee: 'sgx' }) as Claims };
  const lied = await deployed(liar);
  await assert.rejects(lied.c.activate({ marbleType: 'm', uuid: UUID, evidence: new Uint8Array([1]), clientCertificate: m.der }), code('ERR_ACTIVATION_REFUSED'));
});

test('an always-failing validator: activation and sign-quote refused with its code, no record and no audit entry written', async () => {
  const validator = createFailingValidator();
  const { c } = await deployed(validator);
  const before = await c.auditLog();
  const m = await marbleCert();
  await assert.rejects(c.activate({ marbleType: 'm', uuid: UUID, evidence: new Uint8Array([1]), clientCertificate: m.der }), code('ERR_EVIDENCE_SIGNATURE_INVALID'));
  await assert.rejects(c.signQuote(new Uint8Array([1])), code('ERR_EVIDENCE_SIGNATURE_INVALID'));
  assert.equal(validator.calls, 2);
  assert.equal(await c.auditLog(), before);
  assert.equal(await c.lifecycle.ledger.find(c.lifecycle.store, UUID), undefined);
});

test('sign-quote signs with the mock validator\'s TCB status', async () => {
  const { c } = await deployed(createMockValidator(() => ({ tcbStatus: 'SWHardeningNeeded' })));
  const out = await c.signQuote(new Uint8Array([9]));
  assert.equal(out.tcbStatus, 'SWHardeningNeeded');
  assert.ok(out.verificationSignature.length > 64);
});

test('feature gates compare case-insensitively, as MarbleRun (manifest.go HasFeatureEnabled, Check)', async () => {
  const store = openSqliteStore(':memory:');
  const c = await CoordinatorService.start({ store, seal: createMemorySealProvider(new Uint8Array(32).fill(7)), evidence: { collateral: emptyCollateral }, validator: createMockValidator() });
  const lower = JSON.parse(new TextDecoder().decode(MANIFEST)) as { Config: { FeatureGates: string[] } };
  lower.Config.FeatureGates = ['signquoteendpoint'];
  await c.setManifest(utf8(JSON.stringify(lower)));
  const out = await c.signQuote(new Uint8Array([9]));
  assert.equal(out.tcbStatus, 'UpToDate');
  await store.close();
});
