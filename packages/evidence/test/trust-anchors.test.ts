import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { trustAnchorsByVendor } from '../src/index.js';
import { forgeIntelWorld } from '@confide/test-kit/intel-pki';
import { productPki } from '@confide/test-kit/amd-pki';

test('trustAnchorsByVendor: a pile of Intel and AMD roots is sorted by vendor, in order', async () => {
  const intel = (await forgeIntelWorld({ at: new Date() })).rootDer;
  const [milan, genoa] = await Promise.all([productPki('Milan'), productPki('Genoa')]);
  const sorted = trustAnchorsByVendor([milan.ark.der, intel, genoa.ark.der]);
  assert.deepEqual(sorted.intelRoots, [intel]);
  assert.deepEqual(sorted.amdRoots, [milan.ark.der, genoa.ark.der]);
});

test('trustAnchorsByVendor: one vendor only leaves the others with no trusted root (the pile replaces all)', async () => {
  const intel = (await forgeIntelWorld({ at: new Date() })).rootDer;
  assert.deepEqual(trustAnchorsByVendor([intel]), { intelRoots: [intel], amdRoots: [], nvidiaRoots: [] });
});

test('trustAnchorsByVendor: a certificate of neither kind is refused with its name', () => {
  assert.throws(
    () => trustAnchorsByVendor([Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)], ['roots/junk.pem']),
    (err) => isConfideError(err, 'ERR_CONFIG_INVALID') && /roots\/junk\.pem/.test(err.message),
  );
});
