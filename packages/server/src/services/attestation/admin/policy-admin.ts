/**
 * MAA policy management, independent of HTTP: read, set and reset the attestation policy of each
 * type, and list, add and remove policy-management certificates. AAD mode takes unsigned and
 * signed policies alike; isolated mode takes only JWSs signed by a current policy-management
 * certificate, checked in the same store transaction as the write so a certificate removed
 * concurrently cannot still authorize it, and each signed request changes one scope once
 * (replay-ledger.ts). Results are signed tokens, as the real service answers.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { fromBase64, systemClock, toBase64Url, type Clock, type ConfideError } from '@confide/core';
import { ServerError } from '../../../errors/index.js';
import { parsePolicy } from '@confide/policy';
import type { PolicyRow, Repositories, Store } from '@confide/store';
import { currentPolicy } from '../policy-store.js';
import { ATTESTATION_TYPES, type AttestationType } from '../types.js';
import { assertNoReservedIssuance } from '../reserved-claims.js';
import {
  certificateJwk,
  certificatesFromPem,
  loadPolicyCertificates,
  storedCertificate,
  thumbprintOf,
} from './certificates.js';
import { readClientJws, type ClientJws, type JwsSigner } from './policy-jws.js';
import { admitSignedRequest } from './replay-ledger.js';

/** The `{type}` segments of /policies/{type}: every attestation type. */
const POLICY_TYPES = ATTESTATION_TYPES;
export type PolicyType = AttestationType;

export type PolicyManagementMode = 'aad' | 'isolated';

/**
 * The stored policy of a type, in the policies repository; the attest routes read `text`,
 * GET /policies/{type} returns `jws` in `x-ms-policy` and `signer` (the CertificateJwk that
 * signed it, or null) in `x-ms-policy-signer`.
 */
export type StoredPolicy = PolicyRow;

/** What the service needs from the token service. */
export interface ResultTokenSigner {
  sign(payload: object): Promise<string>;
}

export interface PolicyAdminOptions {
  store: Store;
  tokens: ResultTokenSigner;
  mode: PolicyManagementMode;
  /** PEM texts of the initial policy-management certificates (isolated mode), stored when the store holds none. */
  initialCertificates?: readonly string[] | undefined;
  clock?: Clock | undefined;
}

export interface PolicyAdmin {
  readonly mode: PolicyManagementMode;
  /** `{token}` whose payload has `x-ms-policy`: the stored JWS, or an unsigned one of the default policy. Throws ERR_NOT_FOUND. */
  getPolicy(type: string): Promise<{ token: string }>;
  /**
   * Sets the policy from the raw JWS body. Throws ERR_NOT_FOUND, ERR_POLICY_TOKEN_INVALID,
   * ERR_POLICY_SIGNER_UNTRUSTED, ERR_POLICY_REPLAYED, ERR_POLICY_SYNTAX, ERR_POLICY_INVALID, ERR_POLICY_RESERVED_CLAIM.
   */
  setPolicy(type: string, body: string): Promise<{ token: string }>;
  /** Back to the default policy; the body is a JWS with an empty payload. Throws as setPolicy. */
  resetPolicy(type: string, body: string): Promise<{ token: string }>;
  /** `{token}` whose payload has `x-ms-policy-certificates` (a JWKS; empty in AAD mode). */
  getCertificates(): Promise<{ token: string }>;
  /** Adds the certificate in a signed JWS. Throws ERR_OPERATION_NOT_ALLOWED (AAD mode), ERR_POLICY_TOKEN_INVALID, ERR_POLICY_SIGNER_UNTRUSTED, ERR_POLICY_REPLAYED. */
  addCertificate(body: string): Promise<{ token: string }>;
  /** Removes it; never the last one. Throws as addCertificate, and ERR_OPERATION_NOT_ALLOWED for the last certificate. */
  removeCertificate(body: string): Promise<{ token: string }>;
}

const BY_LOWER = new Map<string, PolicyType>(POLICY_TYPES.map((t) => [t.toLowerCase(), t]));

/** The policy type named by a path segment (any case). Throws ERR_NOT_FOUND. */
function policyType(name: string): PolicyType {
  const type = BY_LOWER.get(name.toLowerCase());
  if (!type) throw new ServerError('ERR_NOT_FOUND', `no policy type ${name}; expected one of ${POLICY_TYPES.join(', ')}`);
  return type;
}

/** The unsigned JWS of StoredAttestationPolicy `{AttestationPolicy: b64url(text)}`, as the SDK sends it in AAD mode. */
function unsignedPolicyJws(text: string): string {
  const part = (s: string): string => toBase64Url(new TextEncoder().encode(s));
  return `${part('{"alg":"none"}')}.${part(JSON.stringify({ AttestationPolicy: part(text) }))}.`;
}

/** `x-ms-policy-token-hash`: base64url SHA-256 of the JWS text exactly as received. */
export function policyTokenHash(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('base64url');
}

/** Claims a client may add to any management request to make it unique or short-lived (the SDK adds none). */
const REQUEST_CLAIMS = new Set(['jti', 'iat', 'nbf', 'exp']);

function invalid(message: string): ConfideError {
  return new ServerError('ERR_POLICY_TOKEN_INVALID', message);
}

/** The policy text of a set-policy JWS payload. Throws ERR_POLICY_TOKEN_INVALID. */
function policyTextOf(jws: ClientJws): string {
  if (jws.payload === '') throw invalid('the JWS payload is empty; expected {"AttestationPolicy": base64url(policy text)}');
  const encoded = (JSON.parse(jws.payload) as Record<string, unknown>)['AttestationPolicy'];
  if (typeof encoded !== 'string' || encoded === '') throw invalid('the JWS payload has no AttestationPolicy (base64url of the policy text)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(fromBase64(encoded));
  } catch {
    throw invalid('AttestationPolicy is not base64url of UTF-8 text');
  }
}

/** The certificate of a certificate-management JWS payload `{policyCertificate: {kty, x5c}}`. Throws ERR_POLICY_TOKEN_INVALID. */
function policyCertificateOf(jws: ClientJws): X509Certificate {
  if (jws.payload === '') throw invalid('the JWS payload is empty; expected {"policyCertificate": {"kty": …, "x5c": [base64 DER]}}');
  const jwk = (JSON.parse(jws.payload) as Record<string, unknown>)['policyCertificate'] as Record<string, unknown> | undefined;
  const x5c = jwk && typeof jwk === 'object' ? jwk['x5c'] : undefined;
  if (!Array.isArray(x5c) || typeof x5c[0] !== 'string') throw invalid('the JWS payload has no policyCertificate with an x5c certificate');
  const certificate = certificatesFromDer(x5c[0]);
  certificateJwk(certificate);
  return certificate;
}

function certificatesFromDer(b64: string): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(fromBase64(b64)));
  } catch {
    throw invalid('policyCertificate.x5c[0] is not a DER certificate');
  }
}

/** Isolated mode: the signer must be a stored certificate (same DER, not just the same thumbprint). Throws ERR_POLICY_SIGNER_UNTRUSTED. */
async function assertManagementSigner(repos: Repositories, signer: JwsSigner | undefined, what: string): Promise<Map<string, X509Certificate>> {
  if (!signer) throw new ServerError('ERR_POLICY_SIGNER_UNTRUSTED', `isolated mode: ${what} must be signed (RS256 or ES256 with x5c) by a policy-management certificate`);
  const certificates = await loadPolicyCertificates(repos.managementCertificates);
  const known = certificates.get(signer.thumbprint);
  if (!known || !known.raw.equals(signer.certificate.raw)) {
    throw new ServerError('ERR_POLICY_SIGNER_UNTRUSTED', `isolated mode: the signer ${signer.thumbprint} is not a policy-management certificate`);
  }
  return certificates;
}

/**
 * Builds the service; in isolated mode stores the initial certificates when the store holds none.
 * Throws ERR_CONFIG_INVALID (isolated mode without any certificate, or an initial PEM that does not parse).
 */
export async function createPolicyAdmin(options: PolicyAdminOptions): Promise<PolicyAdmin> {
  const { store, tokens, mode } = options;
  const clock = options.clock ?? systemClock;
  const nowSeconds = (): number => Math.floor(clock.now().getTime() / 1000);

  if (mode === 'isolated') {
    const initial = (options.initialCertificates ?? []).flatMap((pem, i) => certificatesFromPem(pem, `attestation.signingCertificates[${i}]`));
    for (const c of initial) certificateJwk(c);
    const count = await store.tx(async (repos) => {
      const at = clock.now();
      await repos.managementCertificates.seed(initial.map((c) => storedCertificate(c, at, null)));
      return (await repos.managementCertificates.list()).length;
    });
    if (count === 0) {
      throw new ServerError('ERR_CONFIG_INVALID', 'isolated mode needs at least one policy-management certificate: set attestation.signingCertificates');
    }
  }

  async function readJws(body: string): Promise<ClientJws> {
    return readClientJws(body, nowSeconds());
  }

  function policyResult(result: 'Updated' | 'Removed', body: string, signer: JwsSigner | undefined): Promise<string> {
    return tokens.sign({
      'x-ms-policy-result': result,
      'x-ms-policy-token-hash': policyTokenHash(body),
      ...(signer ? { 'x-ms-policy-signer': signer.jwk } : {}),
    });
  }

  async function changeCertificate(body: string, action: 'add' | 'remove'): Promise<{ token: string }> {
    if (mode !== 'isolated') {
      throw new ServerError('ERR_OPERATION_NOT_ALLOWED', 'policy-management certificates exist in isolated mode only (attestation.mode)');
    }
    const jws = await readJws(body);
    const certificate = policyCertificateOf(jws);
    const thumbprint = thumbprintOf(certificate);
    await store.tx(async (repos) => {
      const current = await assertManagementSigner(repos, jws.signer, `certificate changes`);
      if ((await admitSignedRequest(repos.managementRequests, `certificate:${thumbprint}`, jws.id, action, clock.now())) === 'repeat') return;
      if (action === 'add') {
        await repos.managementCertificates.add(storedCertificate(certificate, clock.now(), jws.signer!.thumbprint));
      } else if (current.has(thumbprint) && (await repos.managementCertificates.removeUnlessLast(thumbprint)) === 'last') {
        throw new ServerError('ERR_OPERATION_NOT_ALLOWED', 'the last policy-management certificate cannot be removed');
      }
    });
    const token = await tokens.sign({
      'x-ms-certificate-thumbprint': thumbprint,
      'x-ms-policycertificates-result': action === 'add' ? 'IsPresent' : 'IsAbsent',
    });
    return { token };
  }

  return {
    mode,

    async getPolicy(name) {
      const type = policyType(name);
      const stored = await store.policies.get(type);
      let jws: string;
      if (stored !== undefined) jws = stored.jws;
      else jws = unsignedPolicyJws((await currentPolicy(store.policies, type)).text);
      const signer = stored?.signer;
      return { token: await tokens.sign({ 'x-ms-policy': jws, ...(signer ? { 'x-ms-policy-signer': signer } : {}) }) };
    },

    async setPolicy(name, body) {
      const type = policyType(name);
      const jws = await readJws(body);
      const text = policyTextOf(jws);
      assertNoReservedIssuance(parsePolicy(text));
      const record: StoredPolicy = { type, text, jws: body.trim(), setAt: clock.now().toISOString(), signer: jws.signer ? jws.signer.jwk : null };
      await store.tx(async (repos) => {
        if (mode === 'isolated') {
          await assertManagementSigner(repos, jws.signer, 'policies');
          if ((await admitSignedRequest(repos.managementRequests, `policy:${type}`, jws.id, 'set', clock.now())) === 'repeat') return;
        }
        await repos.policies.put(record);
      });
      return { token: await policyResult('Updated', body, jws.signer) };
    },

    async resetPolicy(name, body) {
      const type = policyType(name);
      const jws = await readJws(body);
      // An empty payload (the SDK's), or one with request ids and times only: a signed set-policy JWS must not double as a reset.
      if (jws.payload !== '' && Object.keys(JSON.parse(jws.payload) as object).some((k) => !REQUEST_CLAIMS.has(k))) {
        throw invalid('a reset JWS has an empty payload (or only jti, iat, nbf and exp)');
      }
      await store.tx(async (repos) => {
        if (mode === 'isolated') {
          await assertManagementSigner(repos, jws.signer, 'policy resets');
          if ((await admitSignedRequest(repos.managementRequests, `policy:${type}`, jws.id, 'reset', clock.now())) === 'repeat') return;
        }
        await repos.policies.delete(type);
      });
      return { token: await policyResult('Removed', body, jws.signer) };
    },

    async getCertificates() {
      const certificates = mode === 'isolated' ? await loadPolicyCertificates(store.managementCertificates) : new Map<string, X509Certificate>();
      const keys = [...certificates.values()].map(certificateJwk);
      return { token: await tokens.sign({ 'x-ms-policy-certificates': { keys } }) };
    },

    addCertificate: (body) => changeCertificate(body, 'add'),
    removeCertificate: (body) => changeCertificate(body, 'remove'),
  };
}
