/**
 * The key vault as the keys API uses it, without HTTP: key lifecycle over the store, keys at rest
 * under the vault root key, and the operations on loaded keys. Every method first needs an
 * active vault (ERR_KEYVAULT_NOT_ACTIVATED). Codes: ERR_KEY_NOT_FOUND, ERR_KEY_BAD_PARAMETER,
 * ERR_KEY_OPERATION_FORBIDDEN, ERR_KEY_CONFLICT, ERR_KEY_BACKUP_INVALID, ERR_STORE_CONFLICT.
 */
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '@confide/core';
import {
  assertKeyUsable,
  DEFAULT_KEY_OPS,
  generateKeyMaterial,
  importedFamily,
  importJwk,
  KeyVaultError,
  loadKey,
  metaFromJson,
  metaOf,
  metaToJson,
  openBackup,
  openKeyMaterial,
  RECOVERABLE_DAYS,
  RECOVERY_LEVEL,
  RsaThreadPool,
  sealBackup,
  sealKeyMaterial,
  type DeletedInfo,
  type KeyOperation,
  type KeySpec,
  type KeyVersionMeta,
  type LoadedKey,
  type PrivateJwk,
  type StoredKeyVersion,
  type VaultRoot,
} from '@confide/keyvault';
import type { KeyVersionRow, Store } from '@confide/store';
import { KeyCache } from './key-cache.js';
import { bad, checkName, decode, keyOpsOf, keySpecOf, releasePolicyOf, tagsOf, timesOf, type CreateKeyBody, type ImportKeyBody, type UpdateKeyBody } from './key-requests.js';
import { defaultRotationPolicy, rotationPolicyOf, type RotationPolicy } from './rotation-policy.js';
import { RsaPlacement } from './rsa-placement.js';
import { runOperation, type OperationName, type OperationRequest, type OperationResult } from './operations.js';
import { VersionCache, type CachedVersion } from './version-cache.js';

export interface KeyVaultServiceOptions {
  store: Store;
  root: VaultRoot;
  clock?: Clock | undefined;
  /**
   * Threads for RSA signatures' private operations, used while other requests are open (see
   * requestOpened; rsa-placement.ts); 0 or absent: always on the event loop. close() ends them.
   */
  rsaThreads?: number | undefined;
  /**
   * This process is the store's one writer (SQLite): the versions that operations and releases
   * read are kept in memory between this service's writes (version-cache.ts). Absent or false
   * (PostgreSQL replicas): every operation reads its version, so a change made through another
   * replica is in force at once.
   */
  soleWriter?: boolean | undefined;
}

export interface Page<T> {
  items: T[];
  next?: string | undefined;
}

export interface DeletedKey {
  meta: KeyVersionMeta;
  deleted: DeletedInfo;
}

const MAX_PAGE = 25;
const MAX_RANDOM_BYTES = 128;

function notFound(name: string, version?: string): KeyVaultError {
  return new KeyVaultError('ERR_KEY_NOT_FOUND', version ? `key ${name} has no version ${version}` : `no key named ${name}`);
}

export class KeyVaultService {
  readonly #store: Store;
  readonly #root: VaultRoot;
  readonly #clock: Clock;
  readonly #cache = new KeyCache();
  readonly #rsaThreads: RsaThreadPool | undefined;
  readonly #rsaPlacement: RsaPlacement;
  readonly #versions: VersionCache | undefined;

  constructor(options: KeyVaultServiceOptions) {
    this.#store = options.store;
    this.#root = options.root;
    this.#clock = options.clock ?? systemClock;
    this.#rsaThreads = options.rsaThreads ? new RsaThreadPool(options.rsaThreads) : undefined;
    this.#rsaPlacement = new RsaPlacement(this.#rsaThreads);
    this.#versions = options.soleWriter ? new VersionCache() : undefined;
  }

  /** Counts a key vault request as open until the returned function is called: RSA threads are used only for requests with company. */
  requestOpened(): () => void {
    return this.#rsaPlacement.opened();
  }

  /** Key vault requests open now (requestOpened). */
  get openRequests(): number {
    return this.#rsaPlacement.open;
  }

  /** Ends the RSA threads, if any. */
  async close(): Promise<void> {
    await this.#rsaThreads?.close();
  }

  /** The vault root (the security domain activates it). */
  get root(): VaultRoot {
    return this.#root;
  }

  #now(): number {
    return Math.floor(this.#clock.now().getTime() / 1000);
  }

  #rootKey(): Uint8Array {
    return this.#root.rootKey();
  }

  /** Runs a write to key `name`'s rows; the versions kept of that name are dropped once it ends, whatever its outcome. */
  async #writing<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.#versions?.dropName(name);
    }
  }

  async #insert(version: StoredKeyVersion): Promise<KeyVersionMeta> {
    const meta = metaOf(version);
    const sealedMaterial = sealKeyMaterial(this.#rootKey(), version.name, version.version, version.jwk);
    const outcome = await this.#writing(version.name, () =>
      this.#store.keyVersions.insert({ name: version.name, version: version.version, meta: metaToJson(meta), sealedMaterial }),
    );
    if (outcome === 'deleted') throw new KeyVaultError('ERR_KEY_CONFLICT', `key ${version.name} is deleted but recoverable: recover or purge it first`);
    if (outcome === 'exists') throw new KeyVaultError('ERR_KEY_CONFLICT', `key ${version.name} already has version ${version.version}`);
    return meta;
  }

  #newVersion(name: string, jwk: PrivateJwk, fields: Omit<StoredKeyVersion, 'name' | 'version' | 'jwk' | 'attributes'> & { enabled?: boolean | undefined; nbf?: number; exp?: number }): StoredKeyVersion {
    const now = this.#now();
    const { enabled, nbf, exp, ...rest } = fields;
    if (rest.exportable && !rest.releasePolicy) throw bad('an exportable key needs a release_policy');
    return {
      name,
      version: randomBytes(16).toString('hex'),
      jwk,
      ...rest,
      attributes: {
        enabled: enabled ?? true,
        ...(nbf !== undefined ? { nbf } : {}),
        ...(exp !== undefined ? { exp } : {}),
        created: now,
        updated: now,
        recoveryLevel: RECOVERY_LEVEL,
        recoverableDays: RECOVERABLE_DAYS,
      },
    };
  }

  async create(name: string, body: CreateKeyBody): Promise<KeyVersionMeta> {
    this.#rootKey();
    checkName(name);
    const spec = keySpecOf(body);
    const fields = {
      hsm: body.kty.endsWith('-HSM'),
      keyOps: keyOpsOf(body.key_ops, DEFAULT_KEY_OPS[spec.family]),
      tags: tagsOf(body.tags),
      exportable: body.attributes?.exportable === true,
      releasePolicy: releasePolicyOf(body.release_policy),
      enabled: body.attributes?.enabled,
      ...timesOf(body.attributes),
    };
    const version = this.#newVersion(name, await generateKeyMaterial(spec), dropUndefined(fields));
    return this.#insert(version);
  }

  async importKey(name: string, body: ImportKeyBody): Promise<KeyVersionMeta> {
    this.#rootKey();
    checkName(name);
    const jwk = importJwk(body.key);
    const { family, hsm } = importedFamily(body.key?.['kty']);
    const ops = body.key?.['key_ops'];
    const fields = {
      hsm: hsm || body.Hsm === true,
      keyOps: keyOpsOf(Array.isArray(ops) ? (ops as string[]) : undefined, DEFAULT_KEY_OPS[family]),
      tags: tagsOf(body.tags),
      exportable: body.attributes?.exportable === true,
      releasePolicy: releasePolicyOf(body.release_policy),
      enabled: body.attributes?.enabled,
      ...timesOf(body.attributes),
    };
    return this.#insert(this.#newVersion(name, jwk, dropUndefined(fields)));
  }

  async #row(name: string, version?: string): Promise<KeyVersionRow> {
    this.#rootKey();
    const row = version ? await this.#store.keyVersions.get(name, version) : await this.#store.keyVersions.latest(name);
    if (!row) throw notFound(name, version);
    return row;
  }

  /** The public description of a version (the latest without `version`). */
  async get(name: string, version?: string): Promise<KeyVersionMeta> {
    const row = await this.#row(name, version);
    return metaFromJson(row.name, row.version, row.meta);
  }

  /** A version with its private material, loaded once through the key cache the operations use, and its public description (the release of a key). */
  async loadVersion(name: string, version?: string): Promise<StoredKeyVersion & { loaded: LoadedKey; meta: KeyVersionMeta }> {
    const { row, meta } = await this.#version(name, version);
    const { family: _f, publicJwk: _p, size: _s, ...stored } = meta;
    const loaded = this.#loaded(row);
    return { ...stored, jwk: loaded.jwk, loaded, meta };
  }

  async update(name: string, version: string | undefined, body: UpdateKeyBody): Promise<KeyVersionMeta> {
    const row = await this.#row(name, version);
    const meta = metaFromJson(row.name, row.version, row.meta);
    const next: KeyVersionMeta = { ...meta, attributes: { ...meta.attributes } };
    if (body.key_ops !== undefined) next.keyOps = keyOpsOf(body.key_ops, []);
    if (body.tags !== undefined) next.tags = tagsOf(body.tags);
    if (body.attributes) {
      if (typeof body.attributes.enabled === 'boolean') next.attributes.enabled = body.attributes.enabled;
      const times = timesOf({ ...(next.attributes.nbf !== undefined ? { nbf: next.attributes.nbf } : {}), ...(next.attributes.exp !== undefined ? { exp: next.attributes.exp } : {}), ...dropUndefined({ nbf: body.attributes.nbf, exp: body.attributes.exp }) });
      if (times.nbf !== undefined) next.attributes.nbf = times.nbf;
      if (times.exp !== undefined) next.attributes.exp = times.exp;
    }
    if (body.release_policy !== undefined) {
      if (meta.releasePolicy?.immutable) throw new KeyVaultError('ERR_KEY_CONFLICT', `the release policy of key ${name} is immutable`);
      next.releasePolicy = releasePolicyOf(body.release_policy)!;
    }
    next.attributes.updated = this.#now();
    await this.#writing(row.name, () => this.#store.keyVersions.update(row.name, row.version, metaToJson(next), row.revision));
    return next;
  }

  async listKeys(maxresults: number | undefined, after: string | undefined): Promise<Page<KeyVersionMeta>> {
    this.#rootKey();
    const page = await this.#store.keyVersions.listLatest(pageSize(maxresults), after);
    return { items: page.items.map((r) => metaFromJson(r.name, r.version, r.meta)), next: page.next };
  }

  async listVersions(name: string, maxresults: number | undefined, after: string | undefined): Promise<Page<KeyVersionMeta>> {
    this.#rootKey();
    const page = await this.#store.keyVersions.listVersions(name, pageSize(maxresults), after);
    return { items: page.items.map((r) => metaFromJson(r.name, r.version, r.meta)), next: page.next };
  }

  /** A new version of the key with the same type, size, operations, tags and release policy. */
  async rotate(name: string): Promise<KeyVersionMeta> {
    const current = await this.loadVersion(name);
    const spec: KeySpec =
      current.jwk.kty === 'RSA'
        ? { family: 'RSA', size: Buffer.from(current.jwk.n, 'base64url').length * 8, publicExponent: Number.parseInt(Buffer.from(current.jwk.e, 'base64url').toString('hex'), 16) }
        : current.jwk.kty === 'EC'
          ? { family: 'EC', curve: current.jwk.crv }
          : { family: 'oct', size: Buffer.from(current.jwk.k, 'base64url').length * 8 };
    const { name: _n, version: _v, jwk: _j, loaded: _l, meta: _m, attributes, ...fields } = current;
    return this.#insert(this.#newVersion(name, await generateKeyMaterial(spec), { ...fields, enabled: attributes.enabled }));
  }

  async getRotationPolicy(name: string): Promise<RotationPolicy> {
    await this.#row(name);
    const stored = await this.#store.keyRotationPolicies.get(name);
    return stored ? (JSON.parse(stored) as RotationPolicy) : defaultRotationPolicy(this.#now());
  }

  async setRotationPolicy(name: string, body: unknown): Promise<RotationPolicy> {
    await this.#row(name);
    const stored = await this.#store.keyRotationPolicies.get(name);
    const policy = rotationPolicyOf(body, stored ? (JSON.parse(stored) as RotationPolicy) : undefined, this.#now());
    await this.#store.keyRotationPolicies.put(name, JSON.stringify(policy));
    return policy;
  }

  async backup(name: string): Promise<Uint8Array> {
    await this.#row(name);
    const rootKey = this.#rootKey();
    const rows = await this.#store.keyVersions.allVersions(name);
    return sealBackup(rootKey, {
      name,
      versions: rows.map((r) => ({ version: r.version, meta: r.meta, jwk: openKeyMaterial(rootKey, r.name, r.version, r.sealedMaterial) })),
      rotationPolicy: await this.#store.keyRotationPolicies.get(name),
    });
  }

  async restore(blob: string): Promise<KeyVersionMeta> {
    const rootKey = this.#rootKey();
    const backup = openBackup(rootKey, decode(blob, 'value'));
    return this.#writing(backup.name, () => this.#store.tx(async (repos) => {
      if ((await repos.keyVersions.allVersions(backup.name)).length > 0) throw new KeyVaultError('ERR_KEY_CONFLICT', `key ${backup.name} exists (live or deleted): a backup restores only into a free name`);
      for (const v of backup.versions) {
        // The meta goes through its named members: a backup of a version an old rotation wrote carries its loaded key.
        const meta = metaToJson(metaFromJson(backup.name, v.version, v.meta));
        await repos.keyVersions.insert({ name: backup.name, version: v.version, meta, sealedMaterial: sealKeyMaterial(rootKey, backup.name, v.version, v.jwk) });
      }
      if (backup.rotationPolicy) await repos.keyRotationPolicies.put(backup.name, backup.rotationPolicy);
      const latest = backup.versions[backup.versions.length - 1]!;
      return metaFromJson(backup.name, latest.version, latest.meta);
    }));
  }

  async delete(name: string): Promise<DeletedKey> {
    const meta = await this.get(name);
    const now = this.#now();
    const deleted = { deletedDate: now, scheduledPurgeDate: now + RECOVERABLE_DAYS * 86400 };
    if (!(await this.#writing(name, () => this.#store.deletedKeys.markDeleted({ name, ...deleted })))) throw notFound(name);
    return { meta, deleted };
  }

  async getDeleted(name: string): Promise<DeletedKey> {
    this.#rootKey();
    const deleted = await this.#store.deletedKeys.get(name);
    if (!deleted) throw new KeyVaultError('ERR_KEY_NOT_FOUND', `no deleted key named ${name}`);
    const rows = await this.#store.keyVersions.allVersions(name);
    const last = rows[rows.length - 1]!;
    return { meta: metaFromJson(last.name, last.version, last.meta), deleted: { deletedDate: deleted.deletedDate, scheduledPurgeDate: deleted.scheduledPurgeDate } };
  }

  async listDeleted(maxresults: number | undefined, after: string | undefined): Promise<Page<DeletedKey>> {
    this.#rootKey();
    const page = await this.#store.deletedKeys.list(pageSize(maxresults), after);
    const items = await Promise.all(page.items.map((d) => this.getDeleted(d.name)));
    return { items, next: page.next };
  }

  async recover(name: string): Promise<KeyVersionMeta> {
    this.#rootKey();
    if (!(await this.#writing(name, () => this.#store.deletedKeys.recover(name)))) throw new KeyVaultError('ERR_KEY_NOT_FOUND', `no deleted key named ${name}`);
    return this.get(name);
  }

  async purge(name: string): Promise<void> {
    this.#rootKey();
    if (!(await this.#writing(name, () => this.#store.deletedKeys.purge(name)))) throw new KeyVaultError('ERR_KEY_NOT_FOUND', `no deleted key named ${name}`);
    await this.#store.keyRotationPolicies.delete(name);
    this.#cache.dropName(name);
  }

  random(count: unknown): Uint8Array {
    this.#rootKey();
    if (!Number.isSafeInteger(count) || (count as number) < 1 || (count as number) > MAX_RANDOM_BYTES) throw bad(`count must be 1 to ${MAX_RANDOM_BYTES}`);
    return new Uint8Array(randomBytes(count as number));
  }

  /** Runs `op` with a version that allows it now. */
  async operate(name: string, version: string | undefined, op: OperationName, request: OperationRequest): Promise<OperationResult & { meta: KeyVersionMeta }> {
    const { row, meta } = await this.#version(name, version);
    assertKeyUsable(meta, op as KeyOperation, this.#now());
    return { meta, ...(await runOperation(this.#loaded(row), op, request, this.#rsaPlacement.run)) };
  }

  /** A version's row and description, from the version cache when there is one and it holds them. */
  async #version(name: string, version: string | undefined): Promise<CachedVersion> {
    const cache = this.#versions;
    if (cache && version) {
      this.#rootKey();
      const kept = cache.get(name, version);
      if (kept) return kept;
    }
    const generation = cache?.generation ?? 0;
    const row = await this.#row(name, version);
    const found = { row, meta: metaFromJson(row.name, row.version, row.meta) };
    cache?.set(found, generation);
    return found;
  }

  /** The row's key objects: opened under the root key and imported once, then from the cache. */
  #loaded(row: { name: string; version: string; sealedMaterial: Uint8Array }): LoadedKey {
    let key = this.#cache.get(row.name, row.version);
    if (!key) {
      key = loadKey(openKeyMaterial(this.#rootKey(), row.name, row.version, row.sealedMaterial));
      this.#cache.set(row.name, row.version, key);
    }
    return key;
  }
}

function pageSize(maxresults: number | undefined): number {
  if (maxresults === undefined) return MAX_PAGE;
  if (!Number.isSafeInteger(maxresults) || maxresults < 1 || maxresults > MAX_PAGE) throw bad(`maxresults must be 1 to ${MAX_PAGE}`);
  return maxresults;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
