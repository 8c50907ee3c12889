/**
 * The attestation service behind POST /attest/{type}: validate the request, verify the evidence
 * with the configured collateral at the service clock, check the data bindings, evaluate the
 * policy, and issue a token (signed, or unsigned for a draft policy). No HTTP types here.
 */
import { utf8, type Clock } from '@confide/core';
import { ServerError } from '../../errors/index.js';
import {
  collateralItemsFromBytes,
  combineCollateral,
  memoryCollateral,
  claimsOf,
  verifyEvidence,
  verifyTdxEventLog,
  type Claims,
  type CollateralProvider,
  type TrustAnchors,
  type VerifyContext,
} from '@confide/evidence';
import { evaluatePolicy, parsePolicy, policyHash, type Policy, type PolicyResult } from '@confide/policy';
import type { PoliciesRepository } from '@confide/store';
import { assertInitTimeBinding, bindsInitTimeData, dataDigest } from './binding.js';
import { evidenceClaims, incomingClaims, type ClaimMap, type VerifiedExtras } from './maa-claims.js';
import { memoByText } from '../memo-by-text.js';
import { nodeVerifyCrypto } from './node-crypto.js';
import { currentPolicy } from './policy-store.js';
import type { AttestBody } from './attest-body.js';
import { parseAttestRequest } from './request.js';
import { assertNoReservedIssuance, isReservedClaim } from './reserved-claims.js';
import { verifyTpmRequest } from './tpm/verify-tpm.js';
import { verifyGpus } from './gpus/verify-gpus.js';
import { verifyGuest } from './azure-guest/verify-guest.js';
import { guestClaims } from './azure-guest/guest-claims.js';
import { encryptGuestToken } from './azure-guest/encrypt-token.js';
import type { TpmPublicKey } from '@confide/evidence';
import { TEE_OF, type AttestationType, type AttestRequest } from './types.js';

/** What the service needs from the token service (tokens/): it adds iat, nbf, exp, iss and jti. */
export interface AttestationTokenIssuer {
  /** Signs an RS256 JWT over the payload plus the JWT times. */
  sign(payload: object, options?: { lifetimeSeconds?: number | undefined }): Promise<string>;
  /** An `alg: none` JWT (draft policies). */
  unsigned(payload: object, options?: { lifetimeSeconds?: number | undefined }): string;
}

export interface AttestationServiceOptions {
  policies: PoliciesRepository;
  tokens: AttestationTokenIssuer;
  /** Collateral for every verification; a SevSnpVm request's own VCEK chain is tried first. */
  collateral: CollateralProvider;
  /** The verification time (token times come from the token service's clock). */
  clock: Clock;
  /** Public keys of the simulation keys whose evidence /attest/Simulated accepts; undefined disables the endpoint. */
  simulationKeys?: () => Promise<ReadonlyArray<CryptoKey | Uint8Array>>;
  trustAnchors?: TrustAnchors;
}

export interface AttestationService {
  /** Attests `body` posted to /attest/{type}; resolves to the token. Throws ConfideError (4xx) for every bad input. */
  attest(type: AttestationType, body: AttestBody): Promise<{ token: string }>;
}

function collateralFor(req: AttestRequest, base: CollateralProvider): CollateralProvider {
  if (req.vcekChainPem === undefined) return base;
  const items = collateralItemsFromBytes(utf8(req.vcekChainPem));
  if (!items || items.length === 0) {
    throw new ServerError('ERR_COLLATERAL_MALFORMED', 'VcekCertChain holds no PEM certificates', { details: { field: 'report.VcekCertChain' } });
  }
  return combineCollateral(memoryCollateral(items), base);
}

/**
 * Folds policy-issued claims into the token body: one value stays a value, several become a list.
 * Reserved names (a computed name, or an evidence claim re-issued) are dropped: only the evidence
 * and the request set them.
 */
function issuedClaims(result: PolicyResult): ClaimMap {
  const out: Record<string, unknown[]> = {};
  for (const c of result.issued) if (!isReservedClaim(c.type)) (out[c.type] ??= []).push(c.value);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
}

/** A policy's report_validity_in_minutes, in seconds; the token service clamps it to its maximum. */
function policyLifetime(result: PolicyResult): number | undefined {
  const minutes = result.properties['report_validity_in_minutes'];
  return typeof minutes === 'number' && minutes > 0 ? minutes * 60 : undefined;
}

/** Builds the service. */
export function createAttestationService(options: AttestationServiceOptions): AttestationService {
  // Every request under the same policy text parses and hashes that text: done once per text.
  const parsedPolicy = memoByText<Policy>(parsePolicy);
  const hashedPolicy = memoByText<Promise<string>>(policyHash);
  // Requests in progress: a lone request checks its signatures inline (see node-crypto.ts).
  let active = 0;
  const primitives = nodeVerifyCrypto({ inline: () => active <= 1 });

  async function verify(req: AttestRequest): Promise<{ claims: Claims; extras: VerifiedExtras; encryptTo?: TpmPublicKey | undefined }> {
    if (req.initTimeData && !bindsInitTimeData(req.type)) {
      throw new ServerError('ERR_VALIDATION', `initTimeData cannot be bound to ${req.type} evidence`, { details: { field: 'initTimeData' } });
    }
    const ctx: VerifyContext = { clock: options.clock, collateral: collateralFor(req, options.collateral), crypto: primitives };
    if (options.trustAnchors) ctx.trustAnchors = options.trustAnchors;
    if (req.runtimeData) ctx.expectedReportData = dataDigest(req.runtimeData);
    if (req.type === 'Simulated') ctx.simulationKeys = options.simulationKeys ? await options.simulationKeys() : [];
    if (req.guest) {
      const { claims, encryptionKey } = await verifyGuest(req.guest, ctx);
      return { claims, extras: { guestClaims: guestClaims(claims, req.guest, encryptionKey) }, encryptTo: encryptionKey };
    }
    if (req.type === 'Tpm') return verifyTpmRequest(req.evidence, ctx).then(({ claims, aikPubHash }) => ({ claims, extras: { aikPubHash } }));
    let claims = await verifyEvidence(req.evidence, { tee: TEE_OF[req.type] }, ctx);
    // The log explains the RTMRs the quote signed: replayed after the quote verified, before any binding is trusted.
    if (req.eventLog) claims = await verifyTdxEventLog(claimsOf(claims, 'tdx'), req.eventLog, req.ccelTable);
    if (req.initTimeData) assertInitTimeBinding(req.type, claims, req.initTimeData);
    // GPUs are judged against the nonce the verified CPU evidence carries: after it, never before.
    if (req.gpus) return { claims, extras: { gpus: await verifyGpus(req.gpus, claims, ctx) } };
    return { claims, extras: {} };
  }

  async function attestOne(type: AttestationType, body: AttestBody): Promise<{ token: string }> {
    if (type === 'Simulated' && !options.simulationKeys) {
      throw new ServerError('ERR_NOT_FOUND', 'simulated evidence is accepted in dev mode only; this instance runs in production mode');
    }
    const req = parseAttestRequest(type, body);
    // A draft is checked before the evidence is verified, so a broken one fails fast. The stored
    // policy is read from the store while the evidence is verified: asked for before, used after.
    const draft = req.draftPolicy;
    if (draft !== undefined) assertNoReservedIssuance(parsedPolicy(draft));
    const policyRead = draft === undefined ? currentPolicy(options.policies, type).then((p) => p.text) : Promise.resolve(draft);
    policyRead.catch(() => undefined); // when the verification fails, nothing awaits the read
    const { claims, extras, encryptTo } = await verify(req);
    const policyText = await policyRead;
    const policy = parsedPolicy(policyText);
    const fromEvidence = evidenceClaims(claims, req, extras);
    const result = evaluatePolicy(policy, incomingClaims(fromEvidence, req));
    if (!result.authorized) {
      throw new ServerError('ERR_POLICY_DENIED', `the ${req.draftPolicy ? 'draft' : 'attestation'} policy for ${type} did not authorize the evidence`);
    }

    const tcbIdentifier = result.properties['x-ms-sgx-tcbidentifier'];
    const payload: Record<string, unknown> = {
      ...issuedClaims(result),
      ...fromEvidence,
      ...(claims.tee === 'sgx' && tcbIdentifier !== undefined ? { 'x-ms-sgx-tcbidentifier': tcbIdentifier } : {}),
      'x-ms-policy-hash': await hashedPolicy(policyText),
      'x-ms-ver': '1.0',
      ...(req.nonce !== undefined ? { nonce: req.nonce } : {}),
    };
    const lifetime = policyLifetime(result);
    const signOptions = lifetime === undefined ? {} : { lifetimeSeconds: lifetime };
    const token = req.draftPolicy ? options.tokens.unsigned(payload, signOptions) : await options.tokens.sign(payload, signOptions);
    // The guest asked for the token encrypted to its vTPM's key (azure-guest/encrypt-token.ts).
    if (encryptTo?.kind === 'rsa') return { token: encryptGuestToken(token, encryptTo) };
    return { token };
  }

  return {
    async attest(type, body) {
      active += 1;
      try {
        return await attestOne(type, body);
      } finally {
        active -= 1;
      }
    },
  };
}
