/**
 * Restore in production mode, in process: a vault started without a root (production) is
 * activated by the security domain download, holds keys, and its database file is opened by an
 * instance with another seal key. That instance is uninitialized and refuses key operations;
 * one share is refused; two shares bring every key back (its signature verifies under the old
 * public key), and the root, sealed anew, survives the next start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptShare } from '@confide/keyvault';
import { openSqliteStore, type Store } from '@confide/store';
import { KeyVaultService, openVaultRoot } from '../src/index.js';
import { createSeal } from '../src/seal/index.js';
import { SecurityDomainService } from '../src/services/security-domain/index.js';
import { keyPairSync } from '@confide/test-kit/keys';

const operators = Array.from({ length: 3 }, () => keyPairSync('rsa', { modulusLength: 2048 }));
const digest = createHash('sha256').update('restored keys sign').digest();

async function instance(store: Store, sealKey: Uint8Array) {
  const opened = await openVaultRoot({ store, seal: createSeal(sealKey), generateIfAbsent: false });
  return { ...opened, keys: new KeyVaultService({ store, root: opened.root }), domain: new SecurityDomainService({ root: opened.root, store, mode: 'production' }) };
}

test('production restore: a moved database with a new seal key comes back with two shares, not with one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-sd-restore-'));
  try {
    const oldStore = openSqliteStore(join(dir, 'old.db'));
    const old = await instance(oldStore, new Uint8Array(randomBytes(32)));
    assert.equal(old.root.state(), 'uninitialized');
    const doc = await old.domain.download(operators.map((o) => o.publicKey.export({ format: 'jwk' })), 2);
    const keys = [await old.keys.create('rsa', { kty: 'RSA', key_size: 2048 } as never), await old.keys.create('ec', { kty: 'EC', crv: 'P-256' } as never)];
    await oldStore.close();

    copyFileSync(join(dir, 'old.db'), join(dir, 'new.db'));
    const newSeal = new Uint8Array(randomBytes(32));
    const store = openSqliteStore(join(dir, 'new.db'));
    const fresh = await instance(store, newSeal);
    assert.equal(fresh.root.state(), 'uninitialized');
    assert.notEqual(fresh.degraded, undefined);
    await assert.rejects(fresh.keys.operate('rsa', undefined, 'sign', { alg: 'RS256', value: digest.toString('base64url') }), { code: 'ERR_KEYVAULT_NOT_ACTIVATED' });
    const shares = operators.map((o) => decryptShare(doc, o.privateKey)).map((s) => ({ x: s.x, y: Buffer.from(s.y).toString('base64url') }));
    await assert.rejects(fresh.domain.upload(JSON.stringify(doc), [shares[2]]), { code: 'ERR_SECURITY_DOMAIN_SHARES_INSUFFICIENT' });
    assert.equal(fresh.root.state(), 'uninitialized');
    await fresh.domain.upload(JSON.stringify(doc), [shares[2], shares[0]]);
    assert.equal(fresh.root.state(), 'active');
    for (const [meta, alg, dsa] of [[keys[0]!, 'RS256', undefined], [keys[1]!, 'ES256', 'ieee-p1363']] as const) {
      const signed = await fresh.keys.operate(meta.name, meta.version, 'sign', { alg, value: digest.toString('base64url') });
      const publicKey = createPublicKey({ key: { ...meta.publicJwk, kty: meta.family }, format: 'jwk' });
      assert.ok(verify('sha256', Buffer.from('restored keys sign'), dsa ? { key: publicKey, dsaEncoding: dsa } : publicKey, signed.value!), `${meta.name} signs under its old public key`);
    }
    await store.close();

    // The restored root was sealed with the new seal key: the next start needs no upload.
    const again = openSqliteStore(join(dir, 'new.db'));
    const next = await instance(again, newSeal);
    assert.equal(next.root.state(), 'active');
    assert.equal(next.degraded, undefined);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
