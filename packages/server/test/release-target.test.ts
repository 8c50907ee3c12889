/** A release target's verification on node:crypto: what jose signs verifies, and every refusal keeps its code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK, importJWK } from 'jose';
import { keyIssuer, verifyReleaseTarget, type TrustedIssuer } from '../src/services/key-release/index.js';

const ISSUER = 'https://maa.test';
const NOW = 1_800_000_000;
const clock = { now: () => new Date(NOW * 1000) };
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });

function token(key: KeyObject, alg: string, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ iss: ISSUER, exp: NOW + 600, 'x-ms-ver': '1.0', ...claims }).setProtectedHeader({ alg }).sign(key);
}

/** An RS256 token made by hand, for what jose refuses to sign. */
function rs256ByHand(header: Record<string, unknown>, key: KeyObject): string {
  const input = `${Buffer.from(JSON.stringify({ alg: 'RS256', ...header })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, exp: NOW + 600 })).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

const trusted = (key: KeyObject): TrustedIssuer[] => [keyIssuer(ISSUER, key)];

async function refused(target: unknown, issuers: TrustedIssuer[], code: string): Promise<void> {
  await assert.rejects(verifyReleaseTarget(target, issuers, clock), { code });
}

test('RS, PS and ES tokens that jose signed verify, with their claims; a CryptoKey from a JWKS verifies too', async () => {
  for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']) {
    const out = await verifyReleaseTarget(await token(rsa.privateKey, alg), trusted(rsa.publicKey), clock);
    assert.equal(out.iss, ISSUER, alg);
    assert.equal(out.claims['x-ms-ver'], '1.0', alg);
  }
  await verifyReleaseTarget(await token(ec.privateKey, 'ES256'), trusted(ec.publicKey), clock);
  await verifyReleaseTarget(await token(ec384.privateKey, 'ES384'), trusted(ec384.publicKey), clock);
  const cryptoKey = (await importJWK(await exportJWK(rsa.publicKey), 'RS256')) as CryptoKey;
  const fromJwks: TrustedIssuer = { issuer: ISSUER, keys: async () => cryptoKey };
  await verifyReleaseTarget(await token(rsa.privateKey, 'RS256'), [fromJwks], clock);
});

test('a changed byte of the header, the payload or the signature is ERR_KEY_RELEASE_TOKEN_INVALID', async () => {
  const good = await token(rsa.privateKey, 'RS256', { 'x-ms-sim-measurement': 'aa' });
  const [h, p, s] = good.split('.') as [string, string, string];
  const otherPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), 'x-ms-sim-measurement': 'bb' })).toString('base64url');
  const otherHeader = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'x' })).toString('base64url');
  const flipped = Buffer.from(s, 'base64url');
  flipped[7] = flipped[7]! ^ 1;
  for (const forged of [`${h}.${otherPayload}.${s}`, `${otherHeader}.${p}.${s}`, `${h}.${p}.${flipped.toString('base64url')}`, `${h}.${p}.${s}=`]) {
    await refused(forged, trusted(rsa.publicKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
  }
  // Signed by another key of the same issuer name.
  await refused(await token(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'RS256'), trusted(rsa.publicKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
});

test('algorithms, keys and headers a release does not accept are ERR_KEY_RELEASE_TOKEN_INVALID', async () => {
  const hs = await new SignJWT({ iss: ISSUER, exp: NOW + 600 }).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32));
  await refused(hs, trusted(rsa.publicKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, exp: NOW + 600 })).toString('base64url')}.`;
  await refused(none, trusted(rsa.publicKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
  // The header's algorithm must fit the issuer's key: RS256 against an EC key, ES256 against P-384, RSA-1024.
  await refused(await token(rsa.privateKey, 'RS256'), trusted(ec.publicKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
  await refused(await token(ec.privateKey, 'ES256'), trusted(ec384.publicKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
  await refused(rs256ByHand({}, small.privateKey), trusted(small.publicKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
  // A private key is not an issuer's verification key.
  await refused(await token(rsa.privateKey, 'RS256'), trusted(rsa.privateKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
  await verifyReleaseTarget(rs256ByHand({}, rsa.privateKey), trusted(rsa.publicKey), clock);
  await refused(rs256ByHand({ crit: ['x-ext'], 'x-ext': 1 }, rsa.privateKey), trusted(rsa.publicKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
  await refused(rs256ByHand({ b64: false }, rsa.privateKey), trusted(rsa.publicKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
  for (const bad of ['not-a-jwt', 'a.b', 'a.b.c.d', '', 7, `${Buffer.from('[1]').toString('base64url')}.e30.AA`]) {
    await refused(bad, trusted(rsa.publicKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
  }
});

test('exp is required and a number; exp and nbf hold with 60 s of tolerance (ERR_KEY_RELEASE_TOKEN_EXPIRED); iat must be a number', async () => {
  const issuers = trusted(rsa.publicKey);
  await refused(await new SignJWT({ iss: ISSUER }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey), issuers, 'ERR_KEY_RELEASE_TOKEN_INVALID');
  await refused(await token(rsa.privateKey, 'RS256', { exp: String(NOW + 600) }), issuers, 'ERR_KEY_RELEASE_TOKEN_INVALID');
  await refused(await token(rsa.privateKey, 'RS256', { iat: 'now' }), issuers, 'ERR_KEY_RELEASE_TOKEN_INVALID');
  await refused(await token(rsa.privateKey, 'RS256', { exp: NOW - 60 }), issuers, 'ERR_KEY_RELEASE_TOKEN_EXPIRED');
  await verifyReleaseTarget(await token(rsa.privateKey, 'RS256', { exp: NOW - 59 }), issuers, clock);
  await refused(await token(rsa.privateKey, 'RS256', { nbf: NOW + 61 }), issuers, 'ERR_KEY_RELEASE_TOKEN_EXPIRED');
  await verifyReleaseTarget(await token(rsa.privateKey, 'RS256', { nbf: NOW + 60 }), issuers, clock);
});

test('an issuer that is not trusted is ERR_KEY_RELEASE_ISSUER_UNTRUSTED; one without the kid is ERR_KEY_RELEASE_TOKEN_INVALID', async () => {
  await refused(await token(rsa.privateKey, 'RS256', { iss: 'https://evil.test' }), trusted(rsa.publicKey), 'ERR_KEY_RELEASE_ISSUER_UNTRUSTED');
  await refused(await token(rsa.privateKey, 'RS256', { iss: 7 }), trusted(rsa.publicKey), 'ERR_KEY_RELEASE_TOKEN_INVALID');
  const noKey: TrustedIssuer = { issuer: ISSUER, keys: async () => undefined };
  await refused(await token(rsa.privateKey, 'RS256'), [noKey], 'ERR_KEY_RELEASE_TOKEN_INVALID');
  assert.ok(createPublicKey(rsa.privateKey));
});
