/** Test PKI and JWS builders for the policy-management tests: self-signed certificates, signed and unsigned policy tokens. */
import { createHash } from 'node:crypto';
import { CompactSign } from 'jose';
import type { FastifyInstance } from 'fastify';
import { testIdentity } from '@confide/test-kit/identity';
import { createBearerAuth, type BearerAuthOptions } from '../src/plugins/bearer-auth.js';
import type { PolicyManagementMode } from '../src/services/attestation/admin/index.js';
import { testApp, type TestApp } from './maa-helpers.js';

export interface TestSigner {
  name: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  /** PKCS#8 PEM of the private key. */
  keyPem: string;
  der: Uint8Array;
  pem: string;
  /** Standard base64 DER, as x5c holds it. */
  b64: string;
  /** Uppercase hex SHA-1 of the DER. */
  thumbprint: string;
}

/** A key pair and a one-year self-signed certificate (RSA 2048 for RS256, P-256 for ES256). */
export async function makeSigner(name: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<TestSigner> {
  const id = await testIdentity(name, { key: alg === 'RS256' ? 'RSA-2048' : 'P-256', notAfter: new Date(Date.now() + 365 * 86400_000) });
  return {
    name,
    alg,
    privateKey: id.keys.privateKey,
    keyPem: id.keyPem,
    der: id.der,
    pem: id.pem,
    b64: Buffer.from(id.der).toString('base64'),
    thumbprint: createHash('sha1').update(id.der).digest('hex').toUpperCase(),
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

export type AdminTestApp = TestApp;

export interface AdminTestAppOptions {
  mode?: PolicyManagementMode;
  certificates?: TestSigner[];
  auth?: Partial<BearerAuthOptions>;
}

/** An app with the attestation surface and policy management, on its own in-memory store. */
export function adminApp(options: AdminTestAppOptions = {}): Promise<AdminTestApp> {
  return testApp({
    admin: {
      mode: options.mode ?? 'aad',
      auth: createBearerAuth({ mode: 'dev', ...options.auth }),
      initialCertificates: (options.certificates ?? []).map((c) => c.pem),
    },
  });
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
