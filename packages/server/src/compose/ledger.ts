/**
 * The Confidential Ledger as the configuration describes it: the identity (opened or created,
 * keys sealed with the instance seal), the durable writer (restored from the store, signing with
 * the node key), the users and
 * their authentication, and the ledger listener's TLS chain.
 */
import type { Clock } from '@confide/core';
import type { LedgerWriter } from '@confide/ledger';
import type { Store } from '@confide/store';
import type { Config } from '../config/schema.js';
import { createJwtVerifier } from '../plugins/bearer-jwt.js';
import { createLedgerAuth, type LedgerCaller } from '../plugins/ledger-auth.js';
import type { LedgerRoutesOptions } from '../routes/ledger/index.js';
import { tlsPeerCertificate } from '../routes/marblerun/peer-certificate.js';
import type { Seal } from '../seal/index.js';
import { certificateUserId, LedgerService, LedgerUsers, normalizeUserId, openLedgerIdentity } from '../services/ledger/index.js';
import { openDurableLedgerWriter } from '../ledger-durable/open-durable-writer.js';
import { jwtPublicKey } from './keyvault.js';

export interface ComposedLedger {
  routes: LedgerRoutesOptions;
  /** The ledger listener's certificate chain (ending at the service identity) and key. */
  tls: { cert: string; key: string };
  /** True when this start created the ledger identity. */
  createdIdentity: boolean;
  /** The durable writer (the other services' audit events go through it). */
  writer: LedgerWriter;
  /** What an operator must see at start (a production ledger nobody can administer). */
  warnings: string[];
}

/**
 * Throws ERR_CONFIG_INVALID, ERR_SEAL_UNSEAL_FAILED, ERR_STORE_UNAVAILABLE, ERR_LEDGER_USER_ID_INVALID,
 * and ERR_LEDGER_TX_OUT_OF_SEQUENCE / TX_ALTERED / ROOT_MISMATCH when the stored ledger does not replay.
 */
export async function composeLedger(config: Config, store: Store, seal: Seal, clock?: Clock): Promise<ComposedLedger> {
  const identity = await openLedgerIdentity({ store, seal, names: [...config.host, ...(config.tls.san ?? [])] });
  const writer = await openDurableLedgerWriter({ store, signer: identity.signer, interval: { count: config.ledger.signatureInterval.count, ms: config.ledger.signatureInterval.ms } });
  const users = new LedgerUsers(store);
  await users.seed(config.ledger.administrators ?? []);
  const publicKey = jwtPublicKey(config);
  const verifyJwt =
    config.attestation.auth.jwksUrl !== undefined || publicKey !== undefined
      ? createJwtVerifier({ jwksUrl: config.attestation.auth.jwksUrl, publicKey, issuer: config.attestation.auth.issuer, audience: config.ledger.auth.audience, clock })
      : undefined;
  const roleOf = async (caller: LedgerCaller) => {
    if (caller.kind === 'certificate') return users.roleOf(certificateUserId(caller.der));
    try {
      return await users.roleOf(normalizeUserId(caller.subject));
    } catch {
      return undefined; // a subject no user id can spell is no user
    }
  };
  const auth = createLedgerAuth({ mode: config.mode, verifyJwt, roleOf, peerCertificate: tlsPeerCertificate });
  const warnings: string[] = [];
  // Dev mode without a token verifier takes any caller as an Administrator; otherwise one must be named.
  if (!auth.acceptsAnyCaller && (await store.ledgerUsers.count('Administrator')) === 0) {
    warnings.push('the ledger has no Administrator: no one can add users; name one in ledger.administrators (an AAD object id or a client certificate fingerprint)');
  }
  return {
    routes: { service: new LedgerService({ writer, maxEntryBytes: config.ledger.maxEntryBytes }), users, auth, ledgerId: config.ledger.id, serviceCertificatePem: identity.serviceCertificatePem },
    tls: identity.tls,
    createdIdentity: identity.created,
    warnings,
    writer,
  };
}
