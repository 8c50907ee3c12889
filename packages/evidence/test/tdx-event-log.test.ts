/**
 * TDX CC event logs from real TDs (../shared/vectors/tdx, README "TDX" rows for the CCEL): the
 * go-tdx-guest log replays to its quote's RTMR0-3, trustee's logs parse and replay; a log with one
 * changed event, a foreign log, a broken CCEL table are refused; a fuzz pass throws only ConfideError.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { rejectsWithCode } from '@confide/test-kit/assert';
import {
  decodeCcEvents,
  parseCcelTable,
  parseCcEventLog,
  replayRtmrs,
  verifyIntelQuote,
  verifyTdxEventLog,
  type TdxClaims,
} from '../src/index.js';
import { vector, vectorsMissing } from '@confide/test-kit/vectors';
import { contextAt, dcapQvlCollateral, quoteVector } from './intel-quote-support.js';
import { fuzz } from './fuzz-support.js';

const GOTDX = 'tdx/google-go-tdx-guest';
const C00806F = 'tdx/derived-collateral/tdx_00806f050000_2025-09-29_collateral.json';
const ZERO_RTMR = '0'.repeat(96);

async function quoteClaims(): Promise<TdxClaims> {
  const claims = await verifyIntelQuote(quoteVector(`${GOTDX}/ccel_cos-113-tdx-quote.dat`), contextAt(1759172698, dcapQvlCollateral(C00806F)));
  assert.equal(claims.tee, 'tdx');
  return claims as TdxClaims;
}

/** The log with one byte of event `index`'s SHA-384 digest flipped (PCR, type, count, alg precede it). */
function withChangedDigest(bytes: Uint8Array, index: number): Uint8Array {
  const event = parseCcEventLog(bytes).events[index]!;
  const changed = bytes.slice();
  changed[event.offset + 4 + 4 + 4 + 2]! ^= 1;
  return changed;
}

/** A table with byte `at` set to `value` and the checksum fixed again. */
function tableWith(table: Uint8Array, at: number, value: number): Uint8Array {
  const t = table.slice();
  t[at] = value;
  t[9] = 0;
  t[9] = (256 - t.reduce((s, b) => (s + b) & 0xff, 0)) & 0xff;
  return t;
}

describe('TDX CC event logs: go-tdx-guest COS 113 (quote, CCEL table and log)', { skip: vectorsMissing }, () => {
  const log = () => vector(`${GOTDX}/ccel_data.dat`);
  const table = () => vector(`${GOTDX}/ccel_table.dat`);

  it('replays RTMR0-2 to the quote (RTMR3 zero) and decodes the boot', async () => {
    const claims = await quoteClaims();
    assert.equal(claims.tdx.rtmrs[3], ZERO_RTMR);
    assert.ok(claims.tdx.rtmrs.slice(0, 3).every((r) => r !== ZERO_RTMR));
    const out = await verifyTdxEventLog(claims, log(), table());
    const e = out.tdx.eventLog!;
    assert.deepEqual(e.replayed, [0, 1, 2, 3]);
    assert.equal(e.eventCount, 43);
    assert.deepEqual(e.table, { revision: 1, oemId: 'INTEL', oemTableId: 'EDK2', ccType: 2, ccSubtype: 0, logAreaLength: 262144, logAreaAddress: '00000000bedbf000' });
    assert.deepEqual(new Set(e.events.map((x) => x.rtmr)), new Set([0, 1, 2]));
    assert.equal(e.firmwareVolumes.length, 1);
    assert.equal(e.firmwareVolumes[0]!.description, 'Fv(48DB5E17-707C-472D-91CD-1613E7EF51B0)');
    assert.equal(e.acpiTables.length, 3);
    assert.deepEqual(e.handoffTables.map((h) => h.description), ['TdxTable']);
    assert.equal(e.secureBoot, false); // SecureBoot measured as 0 on this COS image, PK/KEK/db/dbx set
    assert.deepEqual(Object.keys(e.secureBootVariables).sort(), ['db', 'dbx', 'kek', 'pk']);
    assert.deepEqual(e.bootVariables.map((v) => v.name), ['BootOrder', 'Boot0001', 'Boot0000']);
    assert.equal(e.bootApplications.length, 2);
    assert.match(e.bootApplications[1]!.path ?? '', /grub/i);
    assert.ok(e.loadedFiles.some((f) => f.path === '/syslinux/vmlinuz.A' && f.digest.length === 96));
    assert.equal(e.kernelCommandLines.length, 1);
    assert.match(e.kernelCommandLines[0]!, /^\/syslinux\/vmlinuz\.A init=\/usr\/lib\/systemd\/systemd /);
    // The quote's other claims are untouched.
    assert.deepEqual({ ...out, tdx: { ...out.tdx, eventLog: undefined } }, { ...claims, tdx: { ...claims.tdx, eventLog: undefined } });
  });

  it('the log alone (no table) replays the same', async () => {
    const out = await verifyTdxEventLog(await quoteClaims(), log());
    assert.equal(out.tdx.eventLog!.table, undefined);
    assert.equal(out.tdx.eventLog!.eventCount, 43);
  });

  for (const [index, rtmr] of [
    [2, 0],
    [17, 1],
    [41, 2],
  ] as const) {
    it(`one changed event (event ${index}) is refused naming RTMR${rtmr}`, async () => {
      await rejectsWithCode(verifyTdxEventLog(await quoteClaims(), withChangedDigest(log(), index), table()), 'ERR_EVIDENCE_BINDING_MISMATCH', { field: 'eventLog', rtmr });
    });
  }

  it('a quote whose RTMR3 is extended but the log does not explain it is refused naming RTMR3', async () => {
    const claims = await quoteClaims();
    const rtmrs = [...claims.tdx.rtmrs.slice(0, 3), '11'.repeat(48)];
    await rejectsWithCode(verifyTdxEventLog({ ...claims, tdx: { ...claims.tdx, rtmrs } }, log()), 'ERR_EVIDENCE_BINDING_MISMATCH', { field: 'eventLog', rtmr: 3 });
  });

  it("another TD's log is refused naming RTMR0", async () => {
    await rejectsWithCode(verifyTdxEventLog(await quoteClaims(), vector('tdx/trustee/CCEL_data_ovmf')), 'ERR_EVIDENCE_BINDING_MISMATCH', { field: 'eventLog', rtmr: 0 });
  });

  it('a changed command line description is not claimed (its digest still replays)', async () => {
    const bytes = log();
    const event = parseCcEventLog(bytes).events[41]!;
    const changed = bytes.slice();
    // Event data is a view of the log's bytes: flip the case of a letter past "kernel_cmdline: ".
    changed[event.data.byteOffset + 20]! ^= 0x20;
    const e = (await verifyTdxEventLog(await quoteClaims(), changed)).tdx.eventLog!;
    assert.deepEqual(e.kernelCommandLines, []);
  });

  it('a CCEL table with a wrong checksum or signature, a log longer than its area, or another CC type is refused', async () => {
    const t = table();
    const badSum = t.slice();
    badSum[9]! ^= 1;
    assert.throws(() => parseCcelTable(badSum), (err) => isConfideError(err, 'ERR_EVIDENCE_MALFORMED'));
    assert.throws(() => parseCcelTable(tableWith(t, 0, 0x44)), (err) => isConfideError(err, 'ERR_EVIDENCE_MALFORMED'));
    assert.throws(() => parseCcelTable(t.subarray(0, 55)), (err) => isConfideError(err, 'ERR_EVIDENCE_MALFORMED'));
    assert.throws(() => parseCcelTable(tableWith(t, 36, 3)), (err) => isConfideError(err, 'ERR_EVIDENCE_UNSUPPORTED'));
    // LAML at offset 40: a log area of 0x1000 bytes cannot hold this 256 KiB log.
    await rejectsWithCode(verifyTdxEventLog(await quoteClaims(), log(), tableWith(tableWith(t, 42, 0), 41, 0x10)), 'ERR_EVIDENCE_MALFORMED');
  });

  it('an event extending MR index 0 (MRTD) or 5 is malformed', () => {
    for (const mr of [0, 5]) {
      const bytes = log();
      const event = parseCcEventLog(bytes).events[2]!;
      bytes[event.offset] = mr;
      assert.throws(() => parseCcEventLog(bytes), (err) => isConfideError(err, 'ERR_EVIDENCE_MALFORMED'));
    }
  });
});

describe('TDX CC event logs: trustee (parse and replay only)', { skip: vectorsMissing }, () => {
  for (const [file, events, rtmrs] of [
    ['CCEL_data', 5, [0, 1]],
    ['CCEL_data_ovmf', 20, [0, 1, 2]],
  ] as const) {
    it(`${file}: ${events} events replayed`, async () => {
      const log = parseCcEventLog(vector(`tdx/trustee/${file}`));
      const replayed = await replayRtmrs(log);
      assert.equal(replayed.length, 4);
      assert.deepEqual(
        replayed.flatMap((r, i) => (r === ZERO_RTMR ? [] : [i])),
        rtmrs,
      );
      const decoded = await decodeCcEvents(log.events);
      assert.equal(decoded.events.length, events);
    });
  }

  it('CCEL_data_ovmf: the Linux EFI stub tags (load options, initrd)', async () => {
    const decoded = await decodeCcEvents(parseCcEventLog(vector('tdx/trustee/CCEL_data_ovmf')).events);
    assert.deepEqual(decoded.taggedEvents.map((t) => t.tag), ['LOADED_IMAGE::LoadOptions', 'Linux initrd']);
    assert.deepEqual(decoded.bootApplications.map((a) => a.path), ['kernel']);
  });
});

describe('TDX CC event log and CCEL table under fuzzing throw only ConfideError', { skip: vectorsMissing }, () => {
  it('parse, replay and check against the quote', async () => {
    const claims = await quoteClaims();
    const used = (b: Uint8Array) => b.subarray(0, b.length - parseCcEventLog(b).paddingBytes);
    const seeds = [used(vector(`${GOTDX}/ccel_data.dat`)), used(vector('tdx/trustee/CCEL_data')), used(vector('tdx/trustee/CCEL_data_ovmf'))];
    assert.ok((await fuzz('CC event log', seeds, (b) => verifyTdxEventLog(claims, b))) > 0);
  });

  it('CCEL table', async () => {
    assert.ok((await fuzz('CCEL table', [vector(`${GOTDX}/ccel_table.dat`)], (b) => parseCcelTable(b))) > 0);
  });
});
