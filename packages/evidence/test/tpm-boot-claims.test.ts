/**
 * Event-log claims beyond GRUB: systemd-boot/systemd-stub's kernel command line (UTF-16 in PCR
 * 12, the digest over the line without its NUL) and the CRTM (startup locality, S-CRTM version,
 * H-CRTM) in PCR 0. Events are added to the real GCE log (../shared/vectors/tpm) with the test
 * kit's TCG_PCR_EVENT2 encoder, and the log is decoded on its own.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeEventLog, parseTcgEventLog, EV } from '../src/index.js';
import { agileEvent } from '@confide/test-kit/tpm-pki';
import { vector, vectorsMissing } from '@confide/test-kit/vectors';
import { gceParts } from './tpm-support.js';

const ALGS = [
  [0x0004, 'sha1'],
  [0x000b, 'sha256'],
  [0x000c, 'sha384'],
] as const;
const digestsOf = (data: Uint8Array): Array<[number, Uint8Array]> => ALGS.map(([alg, name]) => [alg, new Uint8Array(createHash(name).update(data).digest())]);
const utf16 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf16le'));
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** The GCE log (three banks) with `before` inserted after its Spec ID event and `after` appended. */
function gceLogWith(before: Uint8Array[], after: Uint8Array[]): Uint8Array {
  const log = gceParts('nonce9009').eventLog!;
  const specIdEnd = 32 + new DataView(log.buffer, log.byteOffset).getUint32(28, true);
  return concat(log.subarray(0, specIdEnd), ...before, log.subarray(specIdEnd), ...after);
}

describe('TCG log claims: systemd kernel command line and CRTM', { skip: vectorsMissing }, () => {
  it('the S-CRTM version of the real GCE log is its firmware name; no H-CRTM, no startup locality', async () => {
    const claims = await decodeEventLog(parseTcgEventLog(vector('tpm/google-go-tpm-tools/decoded-gce-cos-85-nonce9009/event_log.bin')));
    assert.deepEqual(claims.crtm, { version: 'GCE Virtual Firmware v1' });
  });

  it('systemd-stub\'s UTF-16 command line in PCR 12 is claimed when its digest covers the line without the NUL', async () => {
    const line = 'root=/dev/sda2 ro console=ttyS0 systemd.verity=1';
    const withNul = concat(utf16(line), new Uint8Array(2));
    const credentials = utf16('Credentials initrd\0');
    const log = gceLogWith([], [
      agileEvent(12, EV.IPL, digestsOf(utf16(line)), withNul),
      // Another UTF-16 EV_IPL in PCR 12: its digest covers the archive, not the description.
      agileEvent(12, EV.IPL, digestsOf(ascii('cpio archive bytes')), credentials),
      // systemd 250 and older: PCR 8.
      agileEvent(8, EV.IPL, digestsOf(utf16('quiet')), utf16('quiet')),
      // A UTF-16 line whose digest covers something else is no command line.
      agileEvent(12, EV.IPL, digestsOf(utf16('init=/bin/sh')), utf16('quiet splash')),
    ]);
    const claims = await decodeEventLog(parseTcgEventLog(log));
    assert.deepEqual(claims.kernelCommandLines.slice(-2), [line, 'quiet']);
    assert.equal(claims.kernelCommandLines.includes('Credentials initrd'), false);
    assert.equal(claims.kernelCommandLines.includes('quiet splash'), false);
    // PCR 12 is after the boot loader: none of this is an injection of PCRs 0-7.
    assert.equal(claims.injection.reasons.some((r) => r.includes('PCR 12')), false);
  });

  it('an H-CRTM event first in PCR 0 after a locality 4 start is claimed; anywhere else it is a reason', async () => {
    const locality4 = agileEvent(0, EV.NO_ACTION, ALGS.map(([alg, name]) => [alg, new Uint8Array(name === 'sha1' ? 20 : name === 'sha256' ? 32 : 48)]), concat(ascii('StartupLocality\0'), new Uint8Array([4])));
    const hcrtmCode = ascii('the H-CRTM code the hardware measured');
    const hcrtm = agileEvent(0, EV.EFI_HCRTM_EVENT, digestsOf(hcrtmCode), ascii('HCRTM'));
    const good = await decodeEventLog(parseTcgEventLog(gceLogWith([locality4, hcrtm], [])));
    assert.equal(good.crtm?.startupLocality, 4);
    assert.equal(good.crtm?.hCrtm?.digests.sha256, createHash('sha256').update(hcrtmCode).digest('hex'));
    assert.equal(good.crtm?.version, 'GCE Virtual Firmware v1');
    assert.equal(good.injection.reasons.some((r) => r.includes('EV_EFI_HCRTM_EVENT')), false);

    // Without the locality 4 start, or after the firmware's first measurement, software made it.
    const noLocality = await decodeEventLog(parseTcgEventLog(gceLogWith([hcrtm], [])));
    assert.equal(noLocality.crtm?.hCrtm, undefined);
    assert.ok(noLocality.injection.reasons.some((r) => r.includes('EV_EFI_HCRTM_EVENT')), noLocality.injection.reasons.join('; '));
    const late = await decodeEventLog(parseTcgEventLog(gceLogWith([locality4], [hcrtm])));
    assert.equal(late.crtm?.hCrtm, undefined);
    assert.equal(late.injection.possible, true);
    assert.ok(late.injection.reasons.some((r) => r.includes('EV_EFI_HCRTM_EVENT')));
  });
});
