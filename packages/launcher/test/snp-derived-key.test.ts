/**
 * SEV-SNP derived keys (src/tee-keys/snp-derived-key.ts): MSG_KEY_REQ laid out as Linux's struct
 * snp_derived_key_req (uapi <linux/sev-guest.h>) with AMD's GUEST_FIELD_SELECT bits, MSG_KEY_RSP
 * read as the firmware ABI defines it (STATUS at 0, the key at 0x20), and the native helper
 * issuing the real ioctl: on a device that is not /dev/sev-guest the kernel answers ENOTTY.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfideError } from '@confide/core';
import { encodeKeyRequest, GUEST_FIELD, keyFromResponse, nativeDerivedKeyIoctl, snpDerivedKey, type DerivedKeyIoctl } from '../src/tee-keys/snp-derived-key.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('MSG_KEY_REQ: root key select, GUEST_FIELD_SELECT, VMPL, guest SVN and TCB version, little-endian in 32 bytes', () => {
  const bytes = encodeKeyRequest({ rootKey: 'vmrk', fields: GUEST_FIELD.policy | GUEST_FIELD.measurement | GUEST_FIELD.tcbVersion, vmpl: 2, guestSvn: 0x01020304, tcbVersion: 0x1100000000000018n });
  assert.equal(
    hex(bytes),
    '01000000' + '00000000' + '2900000000000000' + '02000000' + '04030201' + '1800000000000011',
  );
  assert.equal(hex(encodeKeyRequest({ rootKey: 'vcek', fields: GUEST_FIELD.imageId | GUEST_FIELD.familyId | GUEST_FIELD.guestSvn, vmpl: 0 })), '00000000' + '00000000' + '1600000000000000' + '00'.repeat(16));
});

test('MSG_KEY_RSP: the key is bytes 0x20..0x40 when STATUS is 0; any other status gives no key', () => {
  const response = new Uint8Array(64);
  response.set(Uint8Array.from({ length: 32 }, (_, i) => i + 1), 0x20);
  assert.deepEqual(keyFromResponse(response), Uint8Array.from({ length: 32 }, (_, i) => i + 1));
  response[0] = 0x16;
  assert.throws(() => keyFromResponse(response), (err: unknown) => isConfideError(err, 'ERR_TEE_UNAVAILABLE') && /INVALID_PARAM/.test((err as Error).message));
  assert.throws(() => keyFromResponse(new Uint8Array(32)), (err: unknown) => isConfideError(err, 'ERR_TEE_UNAVAILABLE'));
});

test('snpDerivedKey sends the encoded request to the device and returns the key; a missing device or helper is ERR_TEE_UNAVAILABLE', () => {
  const device = join(mkdtempSync(join(tmpdir(), 'confide-sev-guest-')), 'sev-guest');
  writeFileSync(device, '');
  const seen: Array<[string, string]> = [];
  const ioctl: DerivedKeyIoctl = (path, request) => {
    seen.push([path, hex(request)]);
    const response = new Uint8Array(64);
    response.fill(0xab, 0x20);
    return response;
  };
  const request = { rootKey: 'vcek', fields: GUEST_FIELD.policy, vmpl: 0 } as const;
  assert.deepEqual(snpDerivedKey(request, device, ioctl), new Uint8Array(32).fill(0xab));
  assert.deepEqual(seen, [[device, hex(encodeKeyRequest(request))]]);
  assert.throws(() => snpDerivedKey(request, device + '-absent', ioctl), (err: unknown) => isConfideError(err, 'ERR_TEE_UNAVAILABLE') && /does not exist/.test((err as Error).message));
  assert.throws(() => snpDerivedKey(request, device, undefined), (err: unknown) => isConfideError(err, 'ERR_TEE_UNAVAILABLE') && /not built/.test((err as Error).message));
  const refusing: DerivedKeyIoctl = () => {
    throw Object.assign(new Error('SNP_GET_DERIVED_KEY: Input/output error'), { code: 'EIO', fwError: 0x16, vmmError: 0 });
  };
  assert.throws(() => snpDerivedKey(request, device, refusing), (err: unknown) => isConfideError(err, 'ERR_TEE_UNAVAILABLE') && /firmware error 0x16/.test((err as Error).message));
});

test('the native helper is built at install and issues the real ioctl: /dev/null answers ENOTTY, a missing device ENOENT', () => {
  const ioctl = nativeDerivedKeyIoctl();
  assert.ok(ioctl, 'packages/launcher/build/Release/sev_guest.node was not built by npm install (native/build.mjs needs node-gyp and a C compiler)');
  assert.throws(() => ioctl('/dev/null', new Uint8Array(32)), (err: { code?: string }) => err.code === 'ENOTTY');
  assert.throws(() => ioctl('/nonexistent/sev-guest', new Uint8Array(32)), (err: { code?: string }) => err.code === 'ENOENT');
  assert.throws(() => ioctl('/dev/null', new Uint8Array(31)), (err: { code?: string }) => err.code === 'EINVAL');
});
