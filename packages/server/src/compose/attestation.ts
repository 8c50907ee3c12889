/** The attestation surface's services: verification and token issuing, and policy management when configured. */
import { emptyCollateral, type CollateralProvider, type TrustAnchors } from '@confide/evidence';
import { systemClock, type Clock } from '@confide/core';
import type { Store } from '@confide/store';
import type { BearerAuth } from '../plugins/bearer-auth.js';
import type { MaaRoutesOptions } from '../routes/maa/index.js';
import { createPolicyAdmin, type PolicyManagementMode } from '../services/attestation/admin/index.js';
import { createAttestationService } from '../services/attestation/index.js';
import type { TokenService } from '../services/attestation/tokens/index.js';
import { auditedTokenIssuer, type LateAuditSink } from '../ledger-durable/audit-sink.js';

/** Policy management settings: mode, bearer auth, initial certificates. */
export interface PolicyAdminSettings {
  mode: PolicyManagementMode;
  auth: BearerAuth;
  /** PEM texts of the initial policy-management certificates (isolated mode). */
  initialCertificates?: readonly string[] | undefined;
}

export interface AttestationOptions {
  store: Store;
  tokens: TokenService;
  /** Collateral for evidence verification (default: none, so hardware evidence fails ERR_COLLATERAL_MISSING). */
  collateral?: CollateralProvider | undefined;
  /** Verification time (default: the system clock; tests pin it for real vectors). */
  clock?: Clock | undefined;
  /** Simulation public keys for /attest/Simulated; absent (production), the endpoint answers 404. */
  simulationKeys?: (() => Promise<ReadonlyArray<CryptoKey | Uint8Array>>) | undefined;
  /** Replaces the pinned vendor roots (dev mode `evidence.roots`, tests). */
  trustAnchors?: TrustAnchors | undefined;
  /** Policy management; absent, /policies and /certificates are not served. */
  admin?: PolicyAdminSettings | undefined;
  /** Where each issued token is recorded (the ledger, when enabled). */
  audit?: LateAuditSink | undefined;
}

/** Builds the services the MAA routes take. Throws ERR_STORE_UNAVAILABLE, ERR_CONFIG_INVALID (bad initial certificates). */
export async function composeAttestation(options: AttestationOptions): Promise<MaaRoutesOptions> {
  const service = createAttestationService({
    policies: options.store.policies,
    tokens: options.audit ? auditedTokenIssuer(options.tokens, options.audit) : options.tokens,
    collateral: options.collateral ?? emptyCollateral,
    clock: options.clock ?? systemClock,
    ...(options.simulationKeys ? { simulationKeys: options.simulationKeys } : {}),
    ...(options.trustAnchors ? { trustAnchors: options.trustAnchors } : {}),
  });
  const settings = options.admin;
  if (!settings) return { service, tokens: options.tokens };
  const admin = await createPolicyAdmin({ store: options.store, tokens: options.tokens, mode: settings.mode, initialCertificates: settings.initialCertificates });
  return { service, tokens: options.tokens, admin: { admin, auth: settings.auth } };
}
