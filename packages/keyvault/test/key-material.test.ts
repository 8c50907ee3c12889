import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openKeyMaterial, sealKeyMaterial, type PrivateJwk } from '../src/index.js';

const root = new Uint8Array(randomBytes(32));
const jwk: PrivateJwk = { kty: 'oct', k: Buffer.from(randomBytes(32)).toString('base64url') };

test('key material opens only under the same root key and for the same name and version', () => {
  const sealed = sealKeyMaterial(root, 'k1', 'v1', jwk);
  assert.deepEqual(openKeyMaterial(root, 'k1', 'v1', sealed), jwk);
  assert.ok(!Buffer.from(sealed).includes(Buffer.from(jwk.k, 'base64url')), 'the key bytes are not in the blob');
  assert.ok(!Buffer.from(sealed).toString('latin1').includes(jwk.k), 'nor their base64url');
  assert.throws(() => openKeyMaterial(root, 'k2', 'v1', sealed), { code: 'ERR_KEY_MATERIAL_UNREADABLE' });
  assert.throws(() => openKeyMaterial(root, 'k1', 'v2', sealed), { code: 'ERR_KEY_MATERIAL_UNREADABLE' });
  assert.throws(() => openKeyMaterial(new Uint8Array(32), 'k1', 'v1', sealed), { code: 'ERR_KEY_MATERIAL_UNREADABLE' });
  const altered = sealed.slice();
  altered[20] = altered[20]! ^ 1;
  assert.throws(() => openKeyMaterial(root, 'k1', 'v1', altered), { code: 'ERR_KEY_MATERIAL_UNREADABLE' });
  assert.throws(() => openKeyMaterial(root, 'k1', 'v1', sealed.subarray(0, 10)), { code: 'ERR_KEY_MATERIAL_UNREADABLE' });
});
