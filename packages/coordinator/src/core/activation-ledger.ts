/**
 * Which marble UUIDs have activated, kept beside the sealed state rather than inside it, so an
 * activation reads and writes a few small rows instead of re-sealing a state that would grow
 * with every marble. Not secret, but sealed for integrity: a record that was forged, edited or
 * moved to another key does not open. Keys:
 *   coordinator/activations/<marble type, URI-encoded>/<uuid>  the record (counted per type)
 *   coordinator/activation-uuids/<uuid>                        the type the UUID activated as
 * Both are written in the transaction that admits the activation, after its MaxActivations check;
 * the count is exact because the store runs such transactions one at a time (an engine with
 * concurrent transactions needs them serializable, or two new UUIDs could both see room).
 */
import { ConfideError, fromBase64, fromUtf8, toBase64, utf8 } from '@confide/core';
import type { Repositories } from '@confide/store';

export const ACTIVATION_PREFIX = 'coordinator/activations/';
export const ACTIVATION_UUID_PREFIX = 'coordinator/activation-uuids/';

/** A marble instance seen before, by UUID: it re-activates without counting again. */
export interface ActivationRecord {
  marbleType: string;
  firstActivated: string;
  lastActivated: string;
  /** Activations of this UUID, re-activations included. */
  count: number;
  /** Hex serial number of the certificate issued by the last activation (absent for records from before it was kept). */
  serial?: string;
}

/** A record sealed for its key, ready to write. */
export interface SealedActivation {
  uuid: string;
  record: ActivationRecord;
  /** Settings key of the record. */
  key: string;
  /** Base64 of the sealed record. */
  sealed: string;
}

/** Seals and opens small values under the state's data key (the SealedStore). */
export interface RecordSealer {
  seal(value: Uint8Array, purpose: string): Promise<Uint8Array>;
  unseal(blob: Uint8Array, purpose: string): Promise<Uint8Array>;
}

/** Prefix of the records of one marble type: the type is URI-encoded, so no type's prefix is another's. */
function typePrefix(marbleType: string): string {
  return `${ACTIVATION_PREFIX}${encodeURIComponent(marbleType)}/`;
}

function recordKey(marbleType: string, uuid: string): string {
  return typePrefix(marbleType) + uuid;
}

/** The sealing purpose names the key, so a record cannot be passed off as another UUID's or type's. */
function purposeOf(key: string): string {
  return `activation:${key}`;
}

function tampered(why: string, uuid: string): ConfideError {
  return new ConfideError('ERR_SEAL_UNSEAL_FAILED', `the activation record of ${uuid} ${why}`, { details: { uuid } });
}

/** Reads and writes activation records through the given repositories (a transaction or the store). */
export class ActivationLedger {
  readonly #sealer: RecordSealer;

  constructor(sealer: RecordSealer) {
    this.#sealer = sealer;
  }

  /** The record of `uuid` (lower case), or undefined. Throws ERR_SEAL_UNSEAL_FAILED when the stored record is missing or altered. */
  async find(repos: Repositories, uuid: string): Promise<ActivationRecord | undefined> {
    const index = await repos.settings.get<{ marbleType?: unknown }>(ACTIVATION_UUID_PREFIX + uuid);
    if (index === undefined) return undefined;
    if (typeof index.marbleType !== 'string') throw tampered('has a malformed index entry', uuid);
    const key = recordKey(index.marbleType, uuid);
    const stored = await repos.settings.get<{ sealed?: unknown }>(key);
    if (typeof stored?.sealed !== 'string') throw tampered('is missing', uuid);
    const record = JSON.parse(fromUtf8(await this.#sealer.unseal(fromBase64(stored.sealed), purposeOf(key)))) as ActivationRecord;
    if (record.marbleType !== index.marbleType) throw tampered('names another marble type', uuid);
    return record;
  }

  /** How many UUIDs have activated as `marbleType`. */
  count(repos: Repositories, marbleType: string): Promise<number> {
    return repos.settings.count(typePrefix(marbleType));
  }

  /** Seals `record` for `uuid` (lower case), ready for `write`; needs no transaction, so it can be done before one. */
  async seal(uuid: string, record: ActivationRecord): Promise<SealedActivation> {
    const key = recordKey(record.marbleType, uuid);
    return { uuid, record, key, sealed: toBase64(await this.#sealer.seal(utf8(JSON.stringify(record)), purposeOf(key))) };
  }

  /**
   * Writes a sealed record. A first activation must find no index entry (else another
   * transaction admitted the same UUID first). Throws ERR_STORE_CONFLICT.
   */
  async write(repos: Repositories, entry: SealedActivation, first: boolean): Promise<void> {
    if (first && !(await repos.settings.putIfAbsent(ACTIVATION_UUID_PREFIX + entry.uuid, { marbleType: entry.record.marbleType }))) {
      throw new ConfideError('ERR_STORE_CONFLICT', `marble ${entry.uuid} was recorded by another activation`, { details: { uuid: entry.uuid } });
    }
    await repos.settings.put(entry.key, { sealed: entry.sealed });
  }

  /** Forgets every activation (a new state replaced the old one). */
  async clear(repos: Repositories): Promise<void> {
    for (const prefix of [ACTIVATION_PREFIX, ACTIVATION_UUID_PREFIX]) {
      for (const row of await repos.settings.list(prefix)) await repos.settings.delete(row.key);
    }
  }
}
