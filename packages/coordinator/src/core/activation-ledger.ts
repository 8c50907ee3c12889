/**
 * Which marble UUIDs have activated, kept in the store's activations repository beside the
 * sealed state rather than inside it, so an activation reads and writes one small row instead
 * of re-sealing a state that would grow with every marble. Not secret, but sealed for integrity:
 * a record that was forged, edited or moved to another UUID or type does not open.
 * MaxActivations is enforced by the repository's insert and update themselves (a conditional
 * update of the type's counter), so it holds with concurrent writers on any engine. The count is
 * MarbleRun's: every activation while the type's MaxActivations is above 0 (store port.ts).
 */
import { fromUtf8, utf8, type ConfideError } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { Repositories } from '@confide/store';

/** A marble instance seen before, by UUID: it re-activates only as the same type (and counts again, as in MarbleRun). */
export interface ActivationRecord {
  marbleType: string;
  firstActivated: string;
  lastActivated: string;
  /** Activations of this UUID, re-activations included. */
  count: number;
  /** Hex serial number of the certificate issued by the last activation. */
  serial: string;
}

/** A stored record, opened, with the revision a rewrite names. */
export interface KnownActivation {
  record: ActivationRecord;
  revision: number;
}

/** A record sealed for its UUID and type, ready to write. */
export interface SealedActivation {
  uuid: string;
  record: ActivationRecord;
  sealed: Uint8Array;
}

/** Seals and opens small values under the state's data key (the SealedStore). */
export interface RecordSealer {
  seal(value: Uint8Array, purpose: string): Promise<Uint8Array>;
  unseal(blob: Uint8Array, purpose: string): Promise<Uint8Array>;
}

/** The sealing purpose names the type and the UUID, so a record cannot be passed off as another UUID's or type's. */
function purposeOf(marbleType: string, uuid: string): string {
  return `activation:${encodeURIComponent(marbleType)}/${uuid}`;
}

function tampered(why: string, uuid: string): ConfideError {
  return new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', `the activation record of ${uuid} ${why}`, { details: { uuid } });
}

/** Reads and writes activation records through the given repositories (a transaction or the store). */
export class ActivationLedger {
  readonly #sealer: RecordSealer;

  constructor(sealer: RecordSealer) {
    this.#sealer = sealer;
  }

  /** The record of `uuid` (lower case), or undefined. Throws ERR_SEAL_UNSEAL_FAILED when the stored record was altered or moved. */
  async find(repos: Repositories, uuid: string): Promise<KnownActivation | undefined> {
    const row = await repos.activations.find(uuid);
    if (row === undefined) return undefined;
    const record = JSON.parse(fromUtf8(await this.#sealer.unseal(row.sealed, purposeOf(row.marbleType, uuid)))) as ActivationRecord;
    if (record.marbleType !== row.marbleType) throw tampered('names another marble type', uuid);
    return { record, revision: row.revision };
  }

  /** How many activations of `marbleType` were counted against MaxActivations. */
  count(repos: Repositories, marbleType: string): Promise<number> {
    return repos.activations.count(marbleType);
  }

  /** Seals `record` for `uuid` (lower case), ready for `admitNew` or `rewrite`; needs no transaction, so it can be done before one. */
  async seal(uuid: string, record: ActivationRecord): Promise<SealedActivation> {
    return { uuid, record, sealed: await this.#sealer.seal(utf8(JSON.stringify(record)), purposeOf(record.marbleType, uuid)) };
  }

  /**
   * Records a first activation, counted when `maxActivations` > 0 and refused once that many
   * activations of its type were counted. Throws ERR_MAX_ACTIVATIONS, ERR_STORE_CONFLICT (another activation recorded the
   * same UUID first).
   */
  async admitNew(repos: Repositories, entry: SealedActivation, maxActivations: number): Promise<void> {
    if (!(await this.tryAdmitNew(repos, entry, maxActivations))) {
      throw new CoordinatorError('ERR_STORE_CONFLICT', `marble ${entry.uuid} was recorded by another activation`, { details: { uuid: entry.uuid } });
    }
  }

  /** As admitNew, but false (nothing written, nothing counted) when the UUID is recorded already. Throws ERR_MAX_ACTIVATIONS. */
  async tryAdmitNew(repos: Repositories, entry: SealedActivation, maxActivations: number): Promise<boolean> {
    const { uuid, record } = entry;
    const outcome = await repos.activations.insert({ uuid, marbleType: record.marbleType, sealed: entry.sealed }, maxActivations);
    if (outcome === 'limit') throw maxActivationsReached(record.marbleType, maxActivations);
    return outcome === 'inserted';
  }

  /**
   * Records `entry` as a first activation, counted as `admitNew` counts, for a caller that expects
   * the UUID to be new and the type to have room: otherwise the transaction fails with
   * ERR_STORE_CONFLICT (details.reason "expectation"; the store may tell only at the commit) and
   * the caller goes the way of `tryAdmitNew`, which tells the cases apart.
   */
  admitExpected(repos: Repositories, entry: SealedActivation, maxActivations: number): Promise<void> {
    return repos.activations.insertNew({ uuid: entry.uuid, marbleType: entry.record.marbleType, sealed: entry.sealed }, maxActivations);
  }

  /**
   * Rewrites the record of a known UUID read at `revision` (a re-activation, counted as
   * `admitNew` counts). Throws ERR_MAX_ACTIVATIONS, ERR_STORE_CONFLICT (another activation
   * rewrote it first).
   */
  async rewrite(repos: Repositories, entry: SealedActivation, revision: number, maxActivations: number): Promise<void> {
    const outcome = await repos.activations.update(entry.uuid, entry.record.marbleType, entry.sealed, revision, maxActivations);
    if (outcome === 'limit') throw maxActivationsReached(entry.record.marbleType, maxActivations);
  }

  /** Forgets every activation (a new state replaced the old one). */
  clear(repos: Repositories): Promise<void> {
    return repos.activations.clear();
  }
}

/** ERR_MAX_ACTIVATIONS for `marbleType`, in MarbleRun's words (marbleapi.go verifyManifestRequirement; Go's %q quotes as JSON does for plain names). */
export function maxActivationsReached(marbleType: string, maxActivations: number): ConfideError {
  return new CoordinatorError('ERR_MAX_ACTIVATIONS', `reached max activations count (${maxActivations}) for marble type ${JSON.stringify(marbleType)}`, {
    details: { marbleType, maxActivations },
  });
}
