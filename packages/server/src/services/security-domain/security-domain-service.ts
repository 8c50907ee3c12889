/**
 * The vault's security domain as Managed HSM has it, without HTTP. Download activates a new
 * vault: it generates the root key, splits it k-of-n to the operators' RSA keys, and only then
 * makes it the root (a bad request activates nothing). Upload restores a root from a quorum of
 * decrypted shares, into a vault that has none (a fresh one, or one whose stored root does not
 * unseal with this seal key), after checking the root opens the keys the store holds.
 * Codes: ERR_SECURITY_DOMAIN_*, ERR_KEYVAULT_ALREADY_ACTIVATED.
 */
import { createPublicKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import {
  createSecurityDomain,
  KeyVaultError,
  parseSecurityDomain,
  recoverRoot,
  ROOT_KEY_BYTES,
  type SecurityDomainDocument,
  type Share,
  type VaultRoot,
} from '@confide/keyvault';
import type { Store } from '@confide/store';
import { assertRootOpensStore } from '../keyvault/vault-root-store.js';

export type SecurityDomainStatus = 'Success' | 'Failed' | 'InProgress';

export interface SecurityDomainServiceOptions {
  root: VaultRoot;
  store: Store;
  /** Dev mode may download the domain of a root it generated at first start; production only at activation. */
  mode: 'dev' | 'production';
}

function invalid(message: string): KeyVaultError {
  return new KeyVaultError('ERR_SECURITY_DOMAIN_INVALID', `security domain: ${message}`);
}

/** An operator key as Managed HSM takes it: a JWK with n and e, or with x5c (standard base64 DER certificates). */
function operatorKey(jwk: unknown, i: number): KeyObject {
  const k = jwk as { kty?: unknown; n?: unknown; e?: unknown; x5c?: unknown } | null;
  try {
    if (k && Array.isArray(k.x5c) && typeof k.x5c[0] === 'string') return new X509Certificate(Buffer.from(k.x5c[0], 'base64')).publicKey;
    if (k && k.kty === 'RSA' && typeof k.n === 'string' && typeof k.e === 'string') return createPublicKey({ key: { kty: 'RSA', n: k.n, e: k.e }, format: 'jwk' });
  } catch {
    // Reported below with the index.
  }
  throw invalid(`certificates[${i}] is not an RSA JWK (n, e) or a JWK with x5c`);
}

function sharesOf(input: unknown): Share[] {
  if (!Array.isArray(input) || input.length === 0 || input.length > 255) throw invalid('shares must be a non-empty array of {x, y}');
  return input.map((s: { x?: unknown; y?: unknown } | null, i) => {
    if (!s || !Number.isInteger(s.x) || typeof s.y !== 'string') throw invalid(`shares[${i}] is not {x, y (base64url)}`);
    return { x: s.x as number, y: new Uint8Array(Buffer.from(s.y, 'base64url')) };
  });
}

export class SecurityDomainService {
  readonly #opts: SecurityDomainServiceOptions;
  #download: SecurityDomainStatus | undefined;
  #upload: SecurityDomainStatus | undefined;

  constructor(options: SecurityDomainServiceOptions) {
    this.#opts = options;
  }

  downloadStatus(): SecurityDomainStatus | undefined {
    return this.#download;
  }

  uploadStatus(): SecurityDomainStatus | undefined {
    return this.#upload;
  }

  async download(certificates: unknown, required: unknown): Promise<SecurityDomainDocument> {
    if (!Array.isArray(certificates)) throw invalid('certificates must be an array of RSA JWKs');
    const keys = certificates.map(operatorKey);
    const { root, mode } = this.#opts;
    if (root.state() === 'active') {
      if (mode !== 'dev') throw new KeyVaultError('ERR_KEYVAULT_ALREADY_ACTIVATED', 'the security domain is downloaded once, when it activates the vault');
      const doc = createSecurityDomain(root.exportRoot(), keys, required as number);
      this.#download = 'Success';
      return doc;
    }
    const rootKey = new Uint8Array(randomBytes(ROOT_KEY_BYTES));
    try {
      const doc = createSecurityDomain(rootKey, keys, required as number);
      await root.activate(rootKey);
      this.#download = 'Success';
      return doc;
    } finally {
      rootKey.fill(0);
    }
  }

  async upload(document: unknown, shares: unknown): Promise<void> {
    const { root, store } = this.#opts;
    if (root.state() === 'active') throw new KeyVaultError('ERR_KEYVAULT_ALREADY_ACTIVATED', 'the vault already has a root key: a security domain is uploaded to a new vault');
    const doc = parseSecurityDomain(document);
    const rootKey = recoverRoot(doc, sharesOf(shares));
    try {
      // A root that opens none of the stored keys would orphan them all: refuse it.
      await assertRootOpensStore(store, rootKey);
      await root.activate(rootKey);
      this.#upload = 'Success';
    } finally {
      rootKey.fill(0);
    }
  }
}
