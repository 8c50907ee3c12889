import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { X509Certificate } from 'node:crypto';
import { isConfideError } from '@confide/core';
import { readTrustAnchors } from '@confide/server/evidence-files';
import type { forgeIntelWorld as ForgeIntelWorld } from '../../evidence/dist/test/fixtures/intel-pki.js';
import type { productPki as ProductPki } from '../../evidence/dist/test/fixtures/amd-pki.js';

// The evidence package's forged PKIs, from its compiled tests (paths differ between src and dist).
const fixtures = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../../..'), 'packages/evidence/dist/test/fixtures');
const { forgeIntelWorld } = (await import(pathToFileURL(join(fixtures, 'intel-pki.js')).href)) as { forgeIntelWorld: typeof ForgeIntelWorld };
const { productPki } = (await import(pathToFileURL(join(fixtures, 'amd-pki.js')).href)) as { productPki: typeof ProductPki };

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
