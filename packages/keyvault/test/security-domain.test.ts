import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { combineShares, createSecurityDomain, decryptShare, parseSecurityDomain, recoverRoot, splitSecret } from '../src/index.js';

const rand = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

test('Shamir over GF(256): every k-subset recovers the secret, k-1 shares do not', () => {
  const secret = rand(32);
  const shares = splitSecret(secret, 5, 3, rand);
  for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) for (let c = b + 1; c < 5; c++) assert.deepEqual(combineShares([shares[a]!, shares[b]!, shares[c]!]), secret);
  assert.notDeepEqual(combineShares([shares[0]!, shares[1]!]), secret);
  // A fixed polynomial checked by hand: f(x) = 0x2a + 0x03 x over GF(256) gives f(1) = 0x29, f(2) = 0x2c.
  const fixed = splitSecret(Uint8Array.of(0x2a), 2, 2, () => Uint8Array.of(0x03));
  assert.deepEqual(fixed.map((s) => s.y[0]), [0x29, 0x2c]);
  assert.deepEqual(combineShares(fixed), Uint8Array.of(0x2a));
  assert.throws(() => splitSecret(secret, 2, 3, rand), RangeError);
});

const keys = Array.from({ length: 3 }, () => generateKeyPairSync('rsa', { modulusLength: 2048 }));

test('security domain: shares encrypted to each key; the quorum restores the root, fewer or altered shares do not', () => {
  const root = rand(32);
  const doc = parseSecurityDomain(JSON.stringify(createSecurityDomain(root, keys.map((k) => k.publicKey), 2)));
  const s0 = decryptShare(doc, keys[0]!.privateKey);
  const s2 = decryptShare(doc, keys[2]!.privateKey);
  assert.deepEqual(recoverRoot(doc, [s0, s2]), root);
  assert.throws(() => recoverRoot(doc, [s0]), { code: 'ERR_SECURITY_DOMAIN_SHARES_INSUFFICIENT' });
  assert.throws(() => recoverRoot(doc, [s0, s0]), { code: 'ERR_SECURITY_DOMAIN_SHARES_INSUFFICIENT' });
  const altered = { x: s2.x, y: s2.y.slice() };
  altered.y[0]! ^= 1;
  assert.throws(() => recoverRoot(doc, [s0, altered]), { code: 'ERR_SECURITY_DOMAIN_SHARE_INVALID' });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  assert.throws(() => decryptShare(doc, stranger), { code: 'ERR_SECURITY_DOMAIN_INVALID' });
  const other = createSecurityDomain(rand(32), keys.map((k) => k.publicKey), 2);
  assert.throws(() => recoverRoot(doc, [s0, decryptShare(other, keys[1]!.privateKey)]), { code: 'ERR_SECURITY_DOMAIN_SHARE_INVALID' });
});

test('security domain: Managed HSM bounds on keys and quorum', () => {
  const pubs = keys.map((k) => k.publicKey);
  assert.throws(() => createSecurityDomain(rand(32), pubs.slice(0, 2), 2), { code: 'ERR_SECURITY_DOMAIN_INVALID' });
  assert.throws(() => createSecurityDomain(rand(32), pubs, 1), { code: 'ERR_SECURITY_DOMAIN_INVALID' });
  assert.throws(() => createSecurityDomain(rand(32), pubs, 4), { code: 'ERR_SECURITY_DOMAIN_INVALID' });
  assert.throws(() => createSecurityDomain(rand(32), [pubs[0]!, pubs[0]!, pubs[1]!], 2), { code: 'ERR_SECURITY_DOMAIN_INVALID' });
  assert.throws(() => parseSecurityDomain('{"kind":"other"}'), { code: 'ERR_SECURITY_DOMAIN_INVALID' });
});
