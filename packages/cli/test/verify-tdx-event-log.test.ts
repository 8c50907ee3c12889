/** `confide verify <td quote> --event-log` on the go-tdx-guest CCEL vector (../shared/vectors/tdx), in process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vectorPath as v, vectorsMissing as skip } from '@confide/test-kit/vectors';
import { runInProcess } from './in-process.js';

const GOTDX = v('tdx/google-go-tdx-guest');
const LOG = join(GOTDX, 'ccel_data.dat');
const TABLE = join(GOTDX, 'ccel_table.dat');
const quoteArgs = () => ['verify', join(GOTDX, 'ccel_cos-113-tdx-quote.dat'), '--collateral', v('tdx/derived-collateral/tdx_00806f050000_2025-09-29_collateral.json'), '--at', '1759172698'];

test('verify: a TDX quote with its CC event log and CCEL table replays RTMR0-3 (exit 0)', { skip }, async () => {
  const r = await runInProcess(['--json', ...quoteArgs(), '--event-log', LOG, '--ccel-table', TABLE]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const log = JSON.parse(r.stdout).claims.tdx.eventLog;
  assert.deepEqual(log.replayed, [0, 1, 2, 3]);
  assert.equal(log.eventCount, 43);
  assert.equal(log.table.oemTableId, 'EDK2');
  assert.equal(log.kernelCommandLines.length, 1);
});

test('verify: the readable summary names the event log and kernel command line', { skip }, async () => {
  const r = await runInProcess([...quoteArgs(), '--event-log', LOG]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /event log\s+43 events, replayed RTMR0,1,2,3/);
  assert.match(r.stdout, /kernel command line\s+\/syslinux\/vmlinuz\.A /);
});

test('verify: a CC event log with one changed event is refused (exit 2, ERR_EVIDENCE_BINDING_MISMATCH)', { skip }, async () => {
  const bytes = new Uint8Array(readFileSync(LOG));
  // Event 1 (EV_EFI_HANDOFF_TABLES2, RTMR0) follows the 65-byte Spec ID event: flip its digest.
  bytes[65 + 14]! ^= 1;
  const changed = join(mkdtempSync(join(tmpdir(), 'confide-verify-tdx-')), 'ccel.bin');
  writeFileSync(changed, bytes);
  const r = await runInProcess(['--json', ...quoteArgs(), '--event-log', changed]);
  assert.equal(r.code, 2, r.stdout);
  const error = JSON.parse(r.stdout).error;
  assert.equal(error.code, 'ERR_EVIDENCE_BINDING_MISMATCH');
  assert.match(error.message, /RTMR0/);
});

test('verify: --ccel-table without --event-log, or with evidence that is not TDX, is ERR_USAGE (exit 1)', { skip }, async () => {
  for (const args of [
    [...quoteArgs(), '--ccel-table', TABLE],
    ['verify', v('sgx/phala-dcap-qvl/sgx_quote'), '--event-log', LOG, '--ccel-table', TABLE],
  ]) {
    const r = await runInProcess(['--json', ...args]);
    assert.equal(r.code, 1, r.stdout);
    assert.equal(JSON.parse(r.stdout).error.code, 'ERR_USAGE');
  }
});
