/** Shared setup of the MAA tests: an in-process app with an in-memory store, and token checks with node:crypto. */
import assert from 'node:assert/strict';
import { randomBytes, verify, X509Certificate } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { fixedClock, toBase64Url, type Clock } from '@confide/core';
import { collateralItemsFromBytes, combineCollateral, emptyCollateral, memoryCollateral, type CollateralProvider, type TrustAnchors } from '@confide/evidence';
import { openSqliteStore, type Store } from '@confide/store';
import { buildApp, composeAttestation, type PolicyAdminSettings } from '../src/index.js';
import { createSeal } from '../src/seal/index.js';
import { createTokenService } from '../src/services/attestation/tokens/index.js';
import { vector } from '@confide/test-kit/vectors';

export const ISSUER = 'https://maa.test';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
}

export interface TestAppOptions {
  /** Verification time; default the system clock. */
  at?: Date;
  collateral?: CollateralProvider;
  /** Simulation public keys; absent means production-like (no Simulated endpoint). */
  simulationKeys?: ReadonlyArray<CryptoKey | Uint8Array>;
  /** Replaces the pinned vendor roots (test PKIs). */
  trustAnchors?: TrustAnchors;
  /** Policy management; absent means none is served. */
  admin?: PolicyAdminSettings;
}

/** An app with the attestation surface (and policy management when `admin` is given), on its own in-memory store. */
export async function testApp(options: TestAppOptions = {}): Promise<TestApp> {
  const store = openSqliteStore(':memory:');
  const tokens = await createTokenService({ store, seal: createSeal(randomBytes(32)), issuer: ISSUER });
  const clock: Clock | undefined = options.at ? fixedClock(options.at) : undefined;
  const keys = options.simulationKeys;
  const app = await buildApp({
    store,
    bodyLimit: 1024 * 1024,
    attestation: await composeAttestation({
      store,
      tokens,
      collateral: options.collateral ?? emptyCollateral,
      clock,
      ...(keys ? { simulationKeys: async () => keys } : {}),
      ...(options.trustAnchors ? { trustAnchors: options.trustAnchors } : {}),
      ...(options.admin ? { admin: options.admin } : {}),
    }),
  });
  return { app, store };
}

/** A memory provider over collateral vector files. */
export function collateralFrom(...paths: string[]): CollateralProvider {
  return combineCollateral(...paths.map((p) => memoryCollateral(collateralItemsFromBytes(vector(p)) ?? [])));
}

export const b64url = (bytes: Uint8Array | string): string => toBase64Url(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);

export function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Checks an RS256 token against the x5c certificate GET /certs publishes for its kid; returns header and payload. */
export async function verifiedToken(app: FastifyInstance, token: string): Promise<{ header: Record<string, unknown>; payload: Record<string, unknown> }> {
  const [h, p, s] = token.split('.');
  assert.ok(h && p && s, 'three non-empty JWT parts');
  const header = decodePart(h);
  assert.equal(header['alg'], 'RS256');
  assert.equal(header['typ'], 'JWT');
  assert.equal(header['jku'], `${ISSUER}/certs`);
  const certs = await app.inject({ method: 'GET', url: '/certs' });
  assert.equal(certs.statusCode, 200);
  const jwk = (certs.json() as { keys: { kid: string; x5c: string[] }[] }).keys.find((k) => k.kid === header['kid']);
  assert.ok(jwk, 'the token kid is published in /certs');
  const cert = new X509Certificate(Buffer.from(jwk.x5c[0]!, 'base64'));
  assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), cert.publicKey, Buffer.from(s, 'base64url')), 'RS256 signature verifies');
  // A changed payload must not verify: proves the check above is a real one.
  const forged = Buffer.from(`${h}.${b64url(JSON.stringify({ ...decodePart(p), 'x-ms-sgx-svn': 999 }))}`);
  assert.equal(verify('sha256', forged, cert.publicKey, Buffer.from(s, 'base64url')), false);
  return { header, payload: decodePart(p) };
}

/** POSTs JSON to /attest/{type}. */
export function attest(app: FastifyInstance, type: string, body: unknown, apiVersion = '2022-08-01') {
  return app.inject({
    method: 'POST',
    url: `/attest/${type}?api-version=${apiVersion}`,
    headers: { 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Asserts the MAA error shape: status, MAA code and Confide code. */
export function assertMaaError(res: { statusCode: number; json(): unknown; headers: Record<string, unknown> }, status: number, maaCode: string, confideCode: string): void {
  assert.equal(res.statusCode, status);
  const body = res.json() as { error?: { code?: string; message?: string; innererror?: { code?: string } } };
  assert.equal(body.error?.code, maaCode);
  assert.equal(body.error?.innererror?.code, confideCode);
  assert.equal(typeof body.error?.message, 'string');
  assert.equal(res.headers['x-ms-error-code'], maaCode);
  assert.equal(typeof res.headers['x-ms-request-id'], 'string');
}
