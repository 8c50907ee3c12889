/**
 * State 1: the sealed state exists but its data key cannot be unwrapped. Key holders upload
 * their decrypted shares (MarbleRun's POST /recover takes the share alone, so the share is
 * matched to its key by the stored commitments). The quote endpoint keeps answering, over a
 * throwaway root, because the real root is sealed.
 */
import { constants, generateKeyPairSync, privateDecrypt, type KeyObject } from 'node:crypto';
import { fromBase64, timingSafeEqual } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { createCoordinatorPki } from '../pki/ca.js';
import type { CoordinatorPki } from '../pki/types.js';
import { shareCommitment, shareLength, type RecoveryData } from '../recovery/recovery-data.js';
import { RecoverySession, type RecoveryProgress } from '../recovery/session.js';
import type { SignedShare } from '../recovery/signature.js';
import type { RecoveryReason } from '../sealing/sealed-store.js';

export class RecoveryMode {
  readonly reason: RecoveryReason;
  readonly pki: CoordinatorPki;
  readonly #data: RecoveryData | undefined;
  #session: RecoverySession | undefined;
  /** Accepted shares with their signatures, checked against the manifest once the state opens. */
  readonly #signed = new Map<string, SignedShare>();
  #ephemeral: { privateKey: KeyObject; publicKeySpki: Uint8Array } | undefined;

  private constructor(reason: RecoveryReason, data: RecoveryData | undefined, pki: CoordinatorPki) {
    this.reason = reason;
    this.#data = data;
    this.#session = data ? new RecoverySession(data) : undefined;
    this.pki = pki;
  }

  /** Made at first use: most recoveries upload decrypted shares and never need it. */
  #ephemeralKey(): { privateKey: KeyObject; publicKeySpki: Uint8Array } {
    if (!this.#ephemeral) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
      this.#ephemeral = { privateKey, publicKeySpki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })) };
    }
    return this.#ephemeral;
  }

  /** Enters recovery for `reason`; `data` is absent when the manifest had no RecoveryKeys. */
  static async enter(reason: RecoveryReason, data: RecoveryData | undefined, now: Date): Promise<RecoveryMode> {
    return new RecoveryMode(reason, data, await createCoordinatorPki(now));
  }

  /** Shares still needed; undefined when the state cannot be recovered (no RecoveryKeys). */
  get remaining(): number | undefined {
    return this.#session?.remaining;
  }

  /** Recovery key names whose share was accepted. */
  get acceptedKeys(): string[] {
    return this.#session?.acceptedKeys ?? [];
  }

  /** SPKI DER of the ephemeral RSA key a holder may encrypt their share to (MarbleRun's /recover/public-key). */
  get publicKeySpki(): Uint8Array {
    return this.#ephemeralKey().publicKeySpki;
  }

  /**
   * Accepts one decrypted share, or one encrypted to the ephemeral key (RSA-OAEP SHA-256), for
   * `keyName` or, without it, for the recovery key whose commitment it matches. Throws
   * ERR_COORDINATOR_STATE (no RecoveryKeys: set a new manifest instead), ERR_RECOVERY_SHARE_INVALID,
   * ERR_RECOVERY_SHARE_DUPLICATE.
   */
  async submit(secret: Uint8Array, keyName?: string, signature?: Uint8Array): Promise<RecoveryProgress & { keyName: string }> {
    if (!this.#session || !this.#data) {
      throw new CoordinatorError('ERR_COORDINATOR_STATE', 'the sealed state had no RecoveryKeys, so it cannot be recovered; set a new manifest to start over', {
        details: { state: 1, stateName: 'recovery', operation: 'recovery' },
      });
    }
    const share = secret.length === shareLength(this.#data.scheme) ? secret : this.#decrypt(secret);
    const name = keyName ?? (await this.#keyOf(share));
    // MarbleRun fails the whole recovery at the end without one; refused here, the share does not count.
    if (signature === undefined || signature.length === 0) {
      throw new CoordinatorError('ERR_RECOVERY_SIGNATURE_INVALID', `the recovery share for ${name} came without recoverySecretSignature (sign it with the recovery private key: confide recover --key)`, {
        details: { keyName: name, reason: 'missing' },
      });
    }
    const progress = await this.#session.submit(name, share);
    this.#signed.set(name, { share: share.slice(), signature: signature.slice() });
    return { ...progress, keyName: name };
  }

  /** The accepted shares with their signatures (copies the caller may keep until completion). */
  get signedShares(): ReadonlyMap<string, SignedShare> {
    return this.#signed;
  }

  /** Forgets every accepted share (a signature failed once the state opened): the holders upload again. */
  restart(): void {
    for (const { share } of this.#signed.values()) share.fill(0);
    this.#signed.clear();
    if (this.#data) this.#session = new RecoverySession(this.#data);
  }

  #decrypt(ciphertext: Uint8Array): Uint8Array {
    try {
      return new Uint8Array(privateDecrypt({ key: this.#ephemeralKey().privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ciphertext));
    } catch (err) {
      throw new CoordinatorError('ERR_RECOVERY_SHARE_INVALID', 'the recovery secret has the wrong length and does not decrypt under the ephemeral recovery key', {
        cause: err,
        details: { reason: 'length' },
      });
    }
  }

  async #keyOf(share: Uint8Array): Promise<string> {
    const data = this.#data!;
    for (const name of Object.keys(data.commitments).sort()) {
      if (timingSafeEqual(await shareCommitment(name, share), fromBase64(data.commitments[name]!))) return name;
    }
    throw new CoordinatorError('ERR_RECOVERY_SHARE_INVALID', 'the recovery secret is the share of no recovery key of this state', { details: { reason: 'mismatch' } });
  }
}
