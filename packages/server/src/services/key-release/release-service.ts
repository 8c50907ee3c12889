/**
 * Secure key release without HTTP: a key version is released, wrapped to the transfer key of an
 * attestation token, when the key is exportable with a policy, the token verifies against a
 * trusted issuer, and the key's release policy holds over the token's claims. The answer is the
 * service's `{value: JWS}`, signed with the attestation signing key and its certificate.
 * Codes: ERR_KEY_NOT_FOUND, ERR_KEY_BAD_PARAMETER, ERR_KEY_OPERATION_FORBIDDEN (disabled, nbf,
 * exp), ERR_KEY_RELEASE_NOT_EXPORTABLE, the target's codes (verify-target.ts),
 * ERR_KEY_RELEASE_POLICY_INVALID, ERR_KEY_RELEASE_POLICY_DENIED, ERR_KEY_RELEASE_NO_TRANSFER_KEY.
 */
import { systemClock, type Clock } from '@confide/core';
import {
  DEFAULT_RELEASE_ENC,
  encodeKeyHsm,
  isReleaseEnc,
  KeyVaultError,
  keyBundle,
  pickTransferKey,
  releaseMaterialOf,
  wrapForRelease,
  type StoredKeyVersion,
} from '@confide/keyvault';
import { assertKeyReleaseAllowed, parseKeyReleasePolicy } from '@confide/policy';
import { memoByText } from '../memo-by-text.js';
import type { KeyVaultService } from '../keyvault/index.js';
import type { TrustedIssuer } from './trusted-issuers.js';
import { verifyReleaseTarget } from './verify-target.js';

export interface ReleaseRequest {
  target?: unknown;
  nonce?: unknown;
  enc?: unknown;
}

export interface KeyReleaseServiceOptions {
  vault: KeyVaultService;
  issuers: readonly TrustedIssuer[];
  /** Signs the response document as is, with the signing certificate in the header. */
  sign: (payload: object) => Promise<string>;
  clock?: Clock | undefined;
}

function assertReleasable(key: StoredKeyVersion, nowSeconds: number): void {
  if (!key.exportable || !key.releasePolicy) throw new KeyVaultError('ERR_KEY_RELEASE_NOT_EXPORTABLE', `key ${key.name} is not exportable with a release policy: it is never released`);
  const a = key.attributes;
  if (!a.enabled) throw new KeyVaultError('ERR_KEY_OPERATION_FORBIDDEN', 'a disabled key is not released');
  if (a.nbf !== undefined && nowSeconds < a.nbf) throw new KeyVaultError('ERR_KEY_OPERATION_FORBIDDEN', "a key is not released before its nbf");
  if (a.exp !== undefined && nowSeconds >= a.exp) throw new KeyVaultError('ERR_KEY_OPERATION_FORBIDDEN', 'an expired key is not released');
}

/** Parsed policies kept at most: a policy is parsed once per distinct text, and evaluated at every release. */
const PARSED_POLICIES = 256;
const decoder = new TextDecoder();

export class KeyReleaseService {
  readonly #opts: KeyReleaseServiceOptions;
  readonly #clock: Clock;
  /** Parsing is a pure function of the policy's text, so its result is kept (the oldest goes first). */
  readonly #parsePolicy = memoByText(parseKeyReleasePolicy, PARSED_POLICIES);

  constructor(options: KeyReleaseServiceOptions) {
    this.#opts = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Releases `name` (its latest version without `version`); `origin` and `apiVersion` shape the answer as the client sent them. */
  async release(name: string, version: string | undefined, body: ReleaseRequest, origin: string, apiVersion: string): Promise<{ value: string }> {
    const enc = body.enc ?? DEFAULT_RELEASE_ENC;
    if (!isReleaseEnc(enc)) throw new KeyVaultError('ERR_KEY_BAD_PARAMETER', `enc must be CKM_RSA_AES_KEY_WRAP, RSA_AES_KEY_WRAP_256 or RSA_AES_KEY_WRAP_384`);
    const key = await this.#opts.vault.loadVersion(name, version);
    assertReleasable(key, Math.floor(this.#clock.now().getTime() / 1000));
    const target = await verifyReleaseTarget(body.target, this.#opts.issuers, this.#clock);
    assertKeyReleaseAllowed(this.#parsePolicy(decoder.decode(key.releasePolicy!.data)), target.iss, target.claims);
    const transfer = pickTransferKey(target.claims);
    const ciphertext = wrapForRelease(enc, transfer.key, releaseMaterialOf(key.loaded));
    const bundle = keyBundle(key.meta, origin) as { key: Record<string, unknown> };
    const kid = bundle.key['kid'];
    const released = { ...bundle, key: { ...bundle.key, key_hsm: encodeKeyHsm({ kid: transfer.kid, enc, ciphertext }) } };
    return { value: await this.#opts.sign({ request: { 'api-version': apiVersion, enc, kid }, response: { key: released } }) };
  }
}
