/** Test PKI and JWS builders for the policy-management tests: self-signed certificates, signed and unsigned policy tokens. */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CompactSign } from 'jose';
import type { FastifyInstance } from 'fastify';
import { openSqliteStore, type Store } from '@confide/store';
import { buildApp, composeAttestation } from '../src/index.js';
import { createSeal } from '../src/seal/index.js';
import { createTokenService } from '../src/services/attestation/tokens/index.js';
import { createBearerAuth, type BearerAuthOptions } from '../src/plugins/bearer-auth.js';
import type { PolicyManagementMode } from '../src/services/attestation/admin/index.js';
import { ISSUER } from './maa-helpers.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface TestSigner {
  name: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  der: Uint8Array;
  pem: string;
  /** Standard base64 DER, as x5c holds it. */
  b64: string;
  /** Uppercase hex SHA-1 of the DER. */
  thumbprint: string;
}

/** A key pair and a self-signed certificate (RSA 2048 for RS256, P-256 for ES256). */
export async function makeSigner(name: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<TestSigner> {
  const algorithm =
    alg === 'RS256'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }
      : { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 365 * 86400_000),
    keys,
    signingAlgorithm: alg === 'RS256' ? algorithm : { name: 'ECDSA', hash: 'SHA-256' },
  });
  const der = new Uint8Array(cert.rawData);
  return {
    name,
    alg,
    privateKey: keys.privateKey,
    der,
    pem: cert.toString('pem'),
    b64: Buffer.from(der).toString('base64'),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
  };
}

const b64url = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');

/** A compact JWS over `payload`: unsigned (`alg: none`) without a signer, else signed by `signer` with `x5c` = `x5cOf` (default the signer). */
export async function jws(payload: string, signer?: TestSigner, x5cOf: TestSigner | undefined = signer): Promise<string> {
  if (!signer) return `${b64url('{"alg":"none"}')}.${b64url(payload)}.`;
  return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: signer.alg, x5c: [x5cOf!.b64] }).sign(signer.privateKey);
}

/** StoredAttestationPolicy JSON for a policy text. */
export function storedPolicy(text: string): string {
  return JSON.stringify({ AttestationPolicy: b64url(text) });
}

/** The certificate-management payload for a certificate. */
export function certificateBody(cert: TestSigner): string {
  return JSON.stringify({ policyCertificate: { kty: cert.alg === 'RS256' ? 'RSA' : 'EC', x5c: [cert.b64] } });
}

export interface AdminTestApp {
  app: FastifyInstance;
  store: Store;
}

export interface AdminTestAppOptions {
  mode?: PolicyManagementMode;
  certificates?: TestSigner[];
  auth?: Partial<BearerAuthOptions>;
}

/** An app with the attestation surface and policy management, on its own in-memory store. */
export async function adminApp(options: AdminTestAppOptions = {}): Promise<AdminTestApp> {
  const store = openSqliteStore(':memory:');
  const tokens = await createTokenService({ store, seal: createSeal(randomBytes(32)), issuer: ISSUER });
  const app = await buildApp({
    store,
    bodyLimit: 1024 * 1024,
    attestation: await composeAttestation({
      store,
      tokens,
      admin: {
        mode: options.mode ?? 'aad',
        auth: createBearerAuth({ mode: 'dev', ...options.auth }),
        initialCertificates: (options.certificates ?? []).map((c) => c.pem),
      },
    }),
  });
  return { app, store };
}

export const BEARER = { authorization: 'Bearer test-token' };

/** PUT /policies/{type} with a raw JWS body, as the SDK sends it. */
export function putPolicy(app: FastifyInstance, type: string, body: string, headers: Record<string, string> = BEARER) {
  return app.inject({ method: 'PUT', url: `/policies/${type}?api-version=2020-10-01`, headers: { 'content-type': 'text/plain', ...headers }, payload: body });
}

/** POST /policies/{type}:reset with a raw JWS body. */
export function resetPolicy(app: FastifyInstance, type: string, body: string) {
  return app.inject({ method: 'POST', url: `/policies/${type}:reset?api-version=2020-10-01`, headers: { 'content-type': 'text/plain', ...BEARER }, payload: body });
}

/** POST /certificates:{action} with the JWS as a JSON string literal, as the SDK sends it. */
export function changeCertificate(app: FastifyInstance, action: 'add' | 'remove', body: string) {
  return app.inject({
    method: 'POST',
    url: `/certificates:${action}?api-version=2020-10-01`,
    headers: { 'content-type': 'application/json', ...BEARER },
    payload: JSON.stringify(body),
  });
}
