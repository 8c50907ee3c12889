/**
 * /attest/TdxVm with Confide's `eventLog` (and `ccelTable`) extension: the go-tdx-guest GCP quote's
 * CCEL log replays to its RTMRs and its decoded events become claims; one event changed is a
 * refusal naming the RTMR; the fields are refused where they do not belong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCcEventLog } from '@confide/evidence';
import { at, vector, vectorsMissing } from '@confide/test-kit/vectors';
import { assertMaaError, attest, b64url, collateralFrom, testApp, verifiedToken } from './maa-helpers.js';

const skip = vectorsMissing ?? false;
const DIR = 'tdx/google-go-tdx-guest';
const gcpApp = () => testApp({ at: at(1759172698), collateral: collateralFrom('tdx/derived-collateral/tdx_00806f050000_2025-09-29_collateral.json') });

test('the CCEL log beside the quote replays to RTMR0-3 and its events are claims the policy can read', { skip }, async () => {
  const { app } = await gcpApp();
  const quote = b64url(vector(`${DIR}/ccel_cos-113-tdx-quote.dat`));
  const res = await attest(app, 'TdxVm', { quote, eventLog: b64url(vector(`${DIR}/ccel_data.dat`)), ccelTable: b64url(vector(`${DIR}/ccel_table.dat`)) }, '2025-06-01');
  assert.equal(res.statusCode, 200, res.body);
  const { payload } = await verifiedToken(app, (res.json() as { token: string }).token);
  assert.equal((payload['tdx_rtmr0'] as string).slice(0, 8), '3fa2f61f');
  const log = payload['x-confide-tdx-event-log'] as { replayed: number[]; eventCount: number; table: { ccType: number }; events: Array<{ rtmr: number }> };
  assert.deepEqual(log.replayed, [0, 1, 2, 3]);
  assert.equal(log.table.ccType, 2);
  assert.equal(log.events.length, log.eventCount);
  assert.ok(log.events.some((e) => e.rtmr === 2), 'RTMR2 events (the boot loader and kernel) are listed');
  assert.ok(Array.isArray(payload['x-confide-tdx-kernel-cmdlines']));
  // The vectors README's correction: under Intel's rule for TDX module versions this pair is UpToDate.
  assert.equal(payload['attester_tcb_status'], 'UpToDate');

  // Without the log the token carries no event claims.
  const bare = await attest(app, 'TdxVm', { quote }, '2025-06-01');
  assert.equal(bare.statusCode, 200, bare.body);
  assert.equal((await verifiedToken(app, (bare.json() as { token: string }).token)).payload['x-confide-tdx-event-log'], undefined);

  // A policy reads the log as JSON text.
  const policy = `version=1.2; authorizationrules{ c:[type=="x-confide-tdx-event-log"] => add(type="rtmrs", value=JmesPath(c.value, "length(replayed)")); [type=="rtmrs", value=="4"] => permit(); }; issuancerules{};`;
  const drafted = await attest(app, 'TdxVm', { quote, eventLog: b64url(vector(`${DIR}/ccel_data.dat`)), draftPolicyForAttestation: policy }, '2025-06-01');
  assert.equal(drafted.statusCode, 200, drafted.body);
  await app.close();
});

test('a log with one event changed is refused naming the RTMR; a log of another TD too', { skip }, async () => {
  const { app } = await gcpApp();
  const quote = b64url(vector(`${DIR}/ccel_cos-113-tdx-quote.dat`));
  const raw = vector(`${DIR}/ccel_data.dat`).slice();
  const event = parseCcEventLog(raw).events.find((e) => e.pcr === 2 && e.type !== 0x00000003)!;
  raw[event.offset + 14]! ^= 0x01; // MR index, event type, digest count (4 bytes each), hashAlg (2): the first digest byte
  const res = await attest(app, 'TdxVm', { quote, eventLog: b64url(raw) }, '2025-06-01');
  assertMaaError(res, 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  assert.match((res.json() as { error: { message: string } }).error.message, /RTMR1\b/);
  // Trustee's CCEL log explains another TD.
  assertMaaError(await attest(app, 'TdxVm', { quote, eventLog: b64url(vector('tdx/trustee/CCEL_data_ovmf')) }, '2025-06-01'), 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  // Bytes that are no CC event log.
  assertMaaError(await attest(app, 'TdxVm', { quote, eventLog: b64url('not a log at all, not at all') }, '2025-06-01'), 400, 'InvalidParameter', 'ERR_EVIDENCE_MALFORMED');
  await app.close();
});

test('eventLog and ccelTable belong to TdxVm only; a table needs its log', async () => {
  const { app } = await testApp();
  assertMaaError(await attest(app, 'SgxEnclave', { quote: 'AAAA', eventLog: 'AAAA' }), 400, 'InvalidParameter', 'ERR_VALIDATION');
  assertMaaError(await attest(app, 'TdxVm', { quote: 'AAAA', ccelTable: 'AAAA' }), 400, 'InvalidParameter', 'ERR_VALIDATION');
  assertMaaError(await attest(app, 'TdxVm', { quote: 'AAAA', eventLog: '' }), 400, 'InvalidParameter', 'ERR_VALIDATION');
  await app.close();
});
