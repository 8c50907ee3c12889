import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { isConfideError } from '@confide/core';
import { openSqliteStore } from '@confide/store';
import { createSeal } from '../src/seal/index.js';
import { createTokenService, signingKeyPurpose, type StoredSigningKey } from '../src/services/attestation/tokens/index.js';
import { decodePart, movableClock, verifyJwt } from './tokens-helpers.js';

const ISSUER = 'https://maa.test.example';
const T0 = new Date('2026-01-01T00:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const sec = (d: Date | number): number => Math.floor((typeof d === 'number' ? d : d.getTime()) / 1000);

function setup(start = T0) {
  return { store: openSqliteStore(':memory:'), seal: createSeal(randomBytes(32)), clock: movableClock(start) };
}

test('sign: RS256 token verifies against jwks() by x5c and by n/e; header is exactly {alg, jku, kid, typ}', async () => {
  const { store, seal, clock } = setup();
  const tokens = await createTokenService({ store, seal, clock, issuer: `${ISSUER}/` });
  const token = await tokens.sign({ 'x-ms-ver': '1.0', nonce: 'abc' });
  const jwks = await tokens.jwks();
  assert.equal(jwks.keys.length, 1);
  const payload = verifyJwt(token, jwks, sec(T0));
  assert.equal(payload.nonce, 'abc');
  const headerJson = Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8');
  assert.equal(headerJson, JSON.stringify({ alg: 'RS256', jku: `${ISSUER}/certs`, kid: tokens.currentKid(), typ: 'JWT' }));
  assert.equal(jwks.keys[0]!.kid, tokens.currentKid());
  assert.match(tokens.currentKid() ?? '', /^[A-Za-z0-9+/]{43}=$/); // standard base64 of 32 bytes
  assert.deepEqual(Object.keys(jwks.keys[0]!).sort(), ['e', 'kid', 'kty', 'n', 'x5c']);
  assert.equal(jwks.keys[0]!.kty, 'RSA');
  assert.equal(jwks.keys[0]!.e, 'AQAB');
  // An altered payload no longer verifies: the checks above can fail.
  const [h, , s] = token.split('.');
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, nonce: 'xyz' })).toString('base64url')}.${s}`;
  assert.throws(() => verifyJwt(forged, jwks, sec(T0)), /signature check failed/);
  await store.close();
});

test('the signing certificate is a self-signed RSA-2048 certificate naming the issuer, valid now', async () => {
  const { store, seal, clock } = setup();
  const tokens = await createTokenService({ store, seal, clock, issuer: ISSUER });
  const cert = new X509Certificate(Buffer.from((await tokens.jwks()).keys[0]!.x5c[0]!, 'base64'));
  assert.equal(cert.subject, `CN=${ISSUER}`);
  assert.equal(cert.issuer, cert.subject);
  assert.equal(cert.verify(cert.publicKey), true);
  assert.equal(cert.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  assert.ok(new Date(cert.validFrom) <= T0 && new Date(cert.validTo).getTime() > T0.getTime() + 30 * DAY);
  assert.equal(createHash('sha256').update(cert.raw).digest('base64'), tokens.currentKid());
  await store.close();
});

test('claims: iat == nbf == now, exp = iat + 8 h, iss, 64-hex jti unique per token; payload values win', async () => {
  const { store, seal, clock } = setup(new Date(T0.getTime() + 1234));
  const tokens = await createTokenService({ store, seal, clock, issuer: ISSUER });
  const now = sec(clock.now());
  const a = decodePart((await tokens.sign({ claim: 1 })).split('.')[1]!);
  const b = decodePart((await tokens.sign({})).split('.')[1]!);
  assert.deepEqual({ ...a, jti: 'x' }, { iat: now, nbf: now, exp: now + 28800, iss: ISSUER, jti: 'x', claim: 1 });
  assert.match(a.jti as string, /^[0-9a-f]{64}$/);
  assert.notEqual(a.jti, b.jti);
  const own = decodePart((await tokens.sign({ iat: now - 10, nbf: now - 5, exp: now + 60, iss: 'https://other', jti: 'mine' })).split('.')[1]!);
  assert.deepEqual(own, { iat: now - 10, nbf: now - 5, exp: now + 60, iss: 'https://other', jti: 'mine' });
  const short = decodePart((await tokens.sign({}, { lifetimeSeconds: 600 })).split('.')[1]!);
  assert.equal(short.exp, now + 600);
  // A per-token lifetime never exceeds the maximum, which bounds how long a retired key stays published.
  const clamped = decodePart((await tokens.sign({}, { lifetimeSeconds: 10 * 28800 })).split('.')[1]!);
  assert.equal(clamped.exp, now + 28800);
  await assert.rejects(tokens.sign({ exp: now + 28801 }), RangeError);
  await store.close();
});

test('tokenLifetimeSeconds and maxTokenLifetimeSeconds are honoured', async () => {
  const { store, seal, clock } = setup();
  const tokens = await createTokenService({ store, seal, clock, issuer: ISSUER, tokenLifetimeSeconds: 300, maxTokenLifetimeSeconds: 3600 });
  assert.equal(decodePart((await tokens.sign({})).split('.')[1]!).exp, sec(T0) + 300);
  assert.equal(decodePart((await tokens.sign({}, { lifetimeSeconds: 3600 })).split('.')[1]!).exp, sec(T0) + 3600);
  await store.close();
});

test('unsigned: alg none, empty signature part, same added claims', async () => {
  const { store, seal, clock } = setup();
  const tokens = await createTokenService({ store, seal, clock, issuer: ISSUER });
  const token = tokens.unsigned({ 'x-ms-ver': '1.0' });
  const parts = token.split('.');
  assert.equal(parts.length, 3);
  assert.equal(parts[2], '');
  assert.ok(token.endsWith('.'));
  assert.equal(Buffer.from(parts[0]!, 'base64url').toString('utf8'), '{"alg":"none","typ":"JWT"}');
  const payload = decodePart(parts[1]!);
  assert.equal(payload.iss, ISSUER);
  assert.equal(payload.iat, sec(T0));
  assert.equal(payload.exp, sec(T0) + 28800);
  assert.equal(payload['x-ms-ver'], '1.0');
  assert.doesNotMatch(parts[0]! + parts[1]!, /[=+/]/);
  await store.close();
});

test('restart: a new service on the same store and seal keeps the kid and verifies earlier tokens; another seal cannot open the key and degrades', async () => {
  const { store, seal, clock } = setup();
  const first = await createTokenService({ store, seal, clock, issuer: ISSUER });
  const token = await first.sign({ n: 1 });
  const second = await createTokenService({ store, seal, clock, issuer: ISSUER });
  assert.equal(second.currentKid(), first.currentKid());
  const jwks = await second.jwks();
  assert.equal(jwks.keys.length, 1);
  verifyJwt(token, jwks, sec(T0));
  verifyJwt(await second.sign({ n: 2 }), await first.jwks(), sec(T0));
  assert.equal((await store.signingKeys.list()).length, 1);
  // Another seal key: the service comes up degraded (not a failed start), publishes the keys, refuses to sign.
  const other = await createTokenService({ store, seal: createSeal(randomBytes(32)), clock, issuer: ISSUER });
  assert.match(other.degraded() ?? '', /cannot be unsealed/);
  assert.equal(second.degraded(), undefined);
  assert.equal((await other.jwks()).keys.length, 1);
  await assert.rejects(other.sign({ n: 3 }), (err) => isConfideError(err, 'ERR_SERVICE_UNAVAILABLE'));
  // Rotating under the new seal key is the way out: it signs again.
  await other.rotate();
  assert.equal(other.degraded(), undefined);
  verifyJwt(await other.sign({ n: 4 }), await other.jwks(), sec(T0));
  await store.close();
});

test('the store never holds the private key in clear (DER, PEM, hex, base64url, or the JWK d)', async () => {
  const { store, seal, clock } = setup();
  const tokens = await createTokenService({ store, seal, clock, issuer: ISSUER });
  await tokens.rotate();
  const records = await store.signingKeys.list();
  assert.equal(records.length, 2);
  const blobs = records.flatMap((r) => [Buffer.from(r.certificateDer), Buffer.from(r.sealedPrivateKey)]);
  const dump = records
    .map((r) => [JSON.stringify(r), ...[r.certificateDer, r.sealedPrivateKey].flatMap((b) => ['base64', 'base64url', 'hex'].map((enc) => Buffer.from(b).toString(enc as BufferEncoding)))].join('\n'))
    .join('\n');
  for (const record of records) {
    // The sealed blob opens only with the seal and the kid as context.
    const der = Buffer.from(seal.unseal(record.sealedPrivateKey, signingKeyPurpose(record.kid)));
    assert.throws(() => seal.unseal(record.sealedPrivateKey, signingKeyPurpose('other')), (err) => isConfideError(err, 'ERR_SEAL_UNSEAL_FAILED'));
    for (const blob of blobs) assert.equal(blob.includes(der.subarray(-64)), false, 'no stored blob holds the DER');
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    const pem = key.export({ format: 'pem', type: 'pkcs8' }) as string;
    const d = key.export({ format: 'jwk' }).d!;
    // PEM lines near the end hold the CRT primes; the early ones hold n, which the certificate publishes.
    const pemLines = pem.trim().split('\n');
    const needles = [der.toString('base64'), der.toString('base64url'), der.toString('hex'), pemLines.at(-3)!, pemLines.at(-4)!, d, Buffer.from(d, 'base64url').toString('hex')];
    needles.forEach((needle, i) => {
      assert.ok(needle.length >= 43, `needle ${i}`);
      assert.equal(dump.includes(needle), false, `needle ${i}`);
      assert.equal(dump.toLowerCase().includes(needle.toLowerCase().slice(-43)), false, `needle ${i}`);
    });
    assert.equal(dump.includes('PRIVATE KEY'), false);
    // The private key belongs to the published certificate.
    const cert = new X509Certificate(record.certificateDer);
    assert.equal(cert.checkPrivateKey(key), true);
  }
  await store.close();
});

test('rotate(): the old key stays published until its last token expires, then is pruned', async () => {
  const { store, seal, clock } = setup();
  const refreshSeconds = 60;
  const tokens = await createTokenService({ store, seal, clock, issuer: ISSUER, refreshSeconds });
  const oldKid = tokens.currentKid();
  clock.advance(2 * HOUR);
  const oldToken = await tokens.sign({ which: 'old' });
  const rotatedAt = clock.now().getTime();
  const newKid = await tokens.rotate();
  assert.notEqual(newKid, oldKid);
  assert.equal(tokens.currentKid(), newKid);
  const newToken = await tokens.sign({ which: 'new' });
  assert.equal(decodePart(newToken.split('.')[0]!).kid, newKid);

  let jwks = await tokens.jwks();
  assert.deepEqual(jwks.keys.map((k) => k.kid), [newKid, oldKid]);
  verifyJwt(oldToken, jwks, sec(clock.now()));
  verifyJwt(newToken, jwks, sec(clock.now()));

  // Published through the token lifetime plus the replica refresh window after the rotation.
  const unpublishAt = rotatedAt + (28800 + refreshSeconds) * 1000;
  clock.set(unpublishAt - 1000);
  jwks = await tokens.jwks();
  assert.deepEqual(jwks.keys.map((k) => k.kid), [newKid, oldKid]);
  clock.set(unpublishAt);
  jwks = await tokens.jwks();
  assert.deepEqual(jwks.keys.map((k) => k.kid), [newKid]);
  assert.equal((await store.signingKeys.list()).length, 2);

  // The next rotation deletes the expired record from the store.
  const third = await tokens.rotate();
  const stored = (await store.signingKeys.list()).map((r) => r.kid).sort();
  assert.deepEqual(stored, [newKid, third].sort());
  await store.close();
});

test('automatic rotation once the current key is rotateAfterDays old, at sign time', async () => {
  const { store, seal, clock } = setup();
  const tokens = await createTokenService({ store, seal, clock, issuer: ISSUER, rotateAfterDays: 30 });
  const firstKid = tokens.currentKid();
  clock.set(T0.getTime() + 30 * DAY - 1000);
  assert.equal(decodePart((await tokens.sign({})).split('.')[0]!).kid, firstKid);
  clock.set(T0.getTime() + 30 * DAY);
  // Concurrent signers share one rotation.
  const [a, b] = await Promise.all([tokens.sign({}), tokens.sign({})]);
  const kidA = decodePart(a.split('.')[0]!).kid;
  assert.notEqual(kidA, firstKid);
  assert.equal(decodePart(b.split('.')[0]!).kid, kidA);
  assert.equal(tokens.currentKid(), kidA);
  assert.equal((await store.signingKeys.list()).length, 2);
  const jwks = await tokens.jwks();
  assert.deepEqual(jwks.keys.map((k) => k.kid), [kidA, firstKid]);
  verifyJwt(a, jwks, sec(clock.now()));
  await store.close();
});

test('a restart after the rotation age rotates at the first sign, not before', async () => {
  const { store, seal, clock } = setup();
  const first = await createTokenService({ store, seal, clock, issuer: ISSUER, rotateAfterDays: 1 });
  clock.advance(2 * DAY);
  const restarted = await createTokenService({ store, seal, clock, issuer: ISSUER, rotateAfterDays: 1 });
  assert.notEqual(restarted.currentKid(), first.currentKid());
  assert.equal((await store.signingKeys.list()).length, 2);
  await store.close();
});

test('replicas on one store: another instance picks up a rotation after refreshSeconds', async () => {
  const { store, seal, clock } = setup();
  const a = await createTokenService({ store, seal, clock, issuer: ISSUER, refreshSeconds: 60 });
  const b = await createTokenService({ store, seal, clock, issuer: ISSUER, refreshSeconds: 60 });
  const oldKid = a.currentKid();
  assert.equal(b.currentKid(), oldKid);
  const newKid = await a.rotate();
  clock.advance(59_000);
  assert.equal(decodePart((await b.sign({})).split('.')[0]!).kid, oldKid);
  // b's jwks already lists both, so tokens from either replica verify anywhere.
  assert.deepEqual((await b.jwks()).keys.map((k) => k.kid).sort(), [oldKid, newKid].sort());
  clock.advance(1000);
  assert.equal(decodePart((await b.sign({})).split('.')[0]!).kid, newKid);
  await store.close();
});

test('openidConfiguration(): MAA metadata', async () => {
  const { store, seal, clock } = setup();
  const tokens = await createTokenService({ store, seal, clock, issuer: ISSUER });
  assert.deepEqual(tokens.openidConfiguration(), {
    issuer: ISSUER,
    jwks_uri: `${ISSUER}/certs`,
    response_types_supported: ['token', 'none'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: [
      'cnf', 'nonce', 'x-ms-ver', 'x-ms-attestation-type', 'x-ms-policy-hash', 'x-ms-policy-signer',
      'x-ms-sgx-is-debuggable', 'x-ms-sgx-mrenclave', 'x-ms-sgx-mrsigner', 'x-ms-sgx-svn', 'x-ms-sgx-ehd', 'x-ms-sgx-collateral',
      'is-debuggable', 'sgx-mrsigner', 'sgx-mrenclave', 'product-id', 'svn', 'tee',
    ],
  });
  await store.close();
});

test('a dynamic issuer is read at each use for iss, jku and metadata', async () => {
  const { store, seal, clock } = setup();
  let base = 'https://one.example/';
  const tokens = await createTokenService({ store, seal, clock, issuer: () => base });
  base = 'https://two.example';
  const token = await tokens.sign({});
  assert.equal(decodePart(token.split('.')[0]!).jku, 'https://two.example/certs');
  assert.equal(decodePart(token.split('.')[1]!).iss, 'https://two.example');
  assert.equal(tokens.openidConfiguration().jwks_uri, 'https://two.example/certs');
  await store.close();
});

test('bad options are ERR_CONFIG_INVALID', async () => {
  const { store, seal, clock } = setup();
  const bad = [
    { issuer: 'not a url' },
    { issuer: 'ftp://x.example' },
    { issuer: ISSUER, rotateAfterDays: 0 },
    { issuer: ISSUER, tokenLifetimeSeconds: 1.5 },
    { issuer: ISSUER, tokenLifetimeSeconds: 600, maxTokenLifetimeSeconds: 60 },
    { issuer: ISSUER, refreshSeconds: -1 },
  ];
  for (const options of bad) {
    await assert.rejects(createTokenService({ store, seal, clock, ...options }), (err) => isConfideError(err, 'ERR_CONFIG_INVALID'), JSON.stringify(options));
  }
  assert.equal((await store.signingKeys.list()).length, 0);
  await store.close();
});

test('damaged key records: a swapped sealed key degrades (ERR_SERVICE_UNAVAILABLE on sign), a kid that is not the thumbprint is ERR_INTERNAL', async () => {
  const { store, seal, clock } = setup();
  const tokens = await createTokenService({ store, seal, clock, issuer: ISSUER });
  const oldKid = tokens.currentKid()!;
  const newKid = await tokens.rotate();
  const get = async (kid: string): Promise<StoredSigningKey> => (await store.signingKeys.list()).find((r) => r.kid === kid)!;
  const [oldRecord, newRecord] = [await get(oldKid), await get(newKid)];
  // Replaces the new key's row, as someone with write access to the database could.
  const replace = async (row: StoredSigningKey): Promise<void> => {
    await store.signingKeys.delete(newKid);
    await store.signingKeys.insert(row);
  };
  // The old key's sealed blob under the new key's kid: the seal context names the kid, so it does not open.
  await replace({ ...newRecord, sealedPrivateKey: oldRecord.sealedPrivateKey });
  // The seal cannot tell a swapped blob from another seal key: the service comes up degraded and refuses to sign.
  const swapped = await createTokenService({ store, seal, clock, issuer: ISSUER });
  assert.match(swapped.degraded() ?? '', /cannot be unsealed/);
  await assert.rejects(swapped.sign({ nonce: 'x' }), (err) => isConfideError(err, 'ERR_SERVICE_UNAVAILABLE'));
  await replace({ ...newRecord, certificateDer: oldRecord.certificateDer });
  await assert.rejects(createTokenService({ store, seal, clock, issuer: ISSUER }), (err) => isConfideError(err, 'ERR_INTERNAL'));
  await replace(newRecord);
  assert.equal((await createTokenService({ store, seal, clock, issuer: ISSUER })).currentKid(), newKid);
  await store.close();
});
