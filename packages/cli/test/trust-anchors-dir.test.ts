import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { isConfideError } from '@confide/core';
import { readTrustAnchors } from '@confide/server/evidence-files';
import { forgeIntelWorld } from '@confide/test-kit/intel-pki';
import { productPki } from '@confide/test-kit/amd-pki';

test('--roots <dir> holding Intel and AMD roots (PEM and DER) sorts them by vendor', async () => {
  const intel = (await forgeIntelWorld({ at: new Date() })).rootDer;
  const milan = (await productPki('Milan')).ark.der;
  const dir = join(mkdtempSync(join(tmpdir(), 'confide-roots-')), 'roots');
  mkdirSync(dir);
  writeFileSync(join(dir, 'amd-ark-milan.der'), milan);
  writeFileSync(join(dir, 'intel-root.pem'), new X509Certificate(intel).toString());
  const anchors = await readTrustAnchors(dir);
  assert.deepEqual(anchors.intelRoots, [intel]);
  assert.deepEqual(anchors.amdRoots, [milan]);
});

test('--evidence-roots errors name that flag and the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-roots-'));
  writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
  await assert.rejects(readTrustAnchors(dir, '--evidence-roots'), (err) => isConfideError(err, 'ERR_INPUT_UNREADABLE') && /^--evidence-roots .*junk\.pem/.test(err.message));
  await assert.rejects(readTrustAnchors(join(dir, 'absent'), '--evidence-roots'), (err) => isConfideError(err, 'ERR_INPUT_UNREADABLE') && /^--evidence-roots /.test(err.message));
});
