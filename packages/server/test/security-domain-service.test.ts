/** The security domain service on a production-like vault: download activates it once; a bad request activates nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecurityDomain, createVaultRoot, decryptShare, recoverRoot, sealKeyMaterial } from '@confide/keyvault';
import { randomBytes } from 'node:crypto';
import { openSqliteStore } from '@confide/store';
import { SecurityDomainService } from '../src/services/security-domain/index.js';
import { keyPairSync } from '@confide/test-kit/keys';

const operators = Array.from({ length: 3 }, () => keyPairSync('rsa', { modulusLength: 2048 }));
const jwks = operators.map((o) => ({ ...o.publicKey.export({ format: 'jwk' }) }));

test('production: download generates and activates the root once; the document restores exactly that root', async () => {
  const store = openSqliteStore(':memory:');
  try {
    const root = createVaultRoot();
    const domain = new SecurityDomainService({ root, store, mode: 'production' });
    await assert.rejects(domain.download(jwks.slice(0, 2), 2), { code: 'ERR_SECURITY_DOMAIN_INVALID' });
    await assert.rejects(domain.download([{ kty: 'EC' }, ...jwks], 2), { code: 'ERR_SECURITY_DOMAIN_INVALID' });
    assert.equal(root.state(), 'uninitialized', 'a refused download activates nothing');
    assert.equal(domain.downloadStatus(), undefined);
    const doc = await domain.download(jwks, 2);
    assert.equal(root.state(), 'active');
    assert.equal(domain.downloadStatus(), 'Success');
    const shares = [operators[1]!, operators[2]!].map((o) => decryptShare(doc, o.privateKey));
    assert.deepEqual(recoverRoot(doc, shares), root.rootKey());
    await assert.rejects(domain.download(jwks, 2), { code: 'ERR_KEYVAULT_ALREADY_ACTIVATED' });
    await assert.rejects(domain.upload(JSON.stringify(doc), []), { code: 'ERR_KEYVAULT_ALREADY_ACTIVATED' });
    const fresh = createVaultRoot();
    const restore = new SecurityDomainService({ root: fresh, store, mode: 'production' });
    await assert.rejects(restore.upload(JSON.stringify(doc), [{ x: 1 }]), { code: 'ERR_SECURITY_DOMAIN_INVALID' });
    await restore.upload(JSON.stringify(doc), shares.map((s) => ({ x: s.x, y: Buffer.from(s.y).toString('base64url') })));
    assert.deepEqual(fresh.rootKey(), root.rootKey());
  } finally {
    await store.close();
  }
});

test('upload refuses a root that does not open the keys the store holds (another vault\'s domain)', async () => {
  const store = openSqliteStore(':memory:');
  try {
    const stored = new Uint8Array(randomBytes(32));
    await store.keyVersions.insert({ name: 'k', version: 'a'.repeat(32), meta: '{}', sealedMaterial: sealKeyMaterial(stored, 'k', 'a'.repeat(32), { kty: 'oct', k: 'AAAA' }) });
    const other = createSecurityDomain(new Uint8Array(randomBytes(32)), operators.map((o) => o.publicKey), 2);
    const shares = [operators[0]!, operators[1]!].map((o) => decryptShare(other, o.privateKey)).map((s) => ({ x: s.x, y: Buffer.from(s.y).toString('base64url') }));
    const root = createVaultRoot();
    await assert.rejects(new SecurityDomainService({ root, store, mode: 'production' }).upload(JSON.stringify(other), shares), { code: 'ERR_SECURITY_DOMAIN_ROOT_MISMATCH' });
    assert.equal(root.state(), 'uninitialized');
    const own = createSecurityDomain(stored, operators.map((o) => o.publicKey), 2);
    const ownShares = [operators[0]!, operators[2]!].map((o) => decryptShare(own, o.privateKey)).map((s) => ({ x: s.x, y: Buffer.from(s.y).toString('base64url') }));
    await new SecurityDomainService({ root, store, mode: 'production' }).upload(JSON.stringify(own), ownShares);
    assert.equal(root.state(), 'active');
  } finally {
    await store.close();
  }
});
