/**
 * The storage port: one typed repository per entity plus `tx(fn)`. Each repository enforces its
 * own invariants inside the write (a version check, a count limit, a sequence), so they hold on
 * an engine whose transactions run concurrently, not only on SQLite's one-at-a-time writer.
 * Engines (SQLite embedded, PostgreSQL for several replicas) implement it; one contract suite
 * runs on each. Key material is encrypted by the caller before it reaches a repository.
 */

// ---- coordinator: sealed state ------------------------------------------------------------

/** The coordinator's sealed state record, as the sealing code writes it. */
export interface SealedStateRecord {
  /** Seal provider kind that wrapped the data key ("file", "memory", ...). */
  provider: string;
  wrappedDataKey: Uint8Array;
  /** Recovery parameters (public, JSON); null without RecoveryKeys. */
  recoveryData: unknown;
  /** Recovery key name -> base64 of that holder's encrypted share; null without RecoveryKeys. */
  recoveryShares: Record<string, string> | null;
  /** The state, AES-GCM under the data key. */
  sealedState: Uint8Array;
}

/** A stored record with its version: 1 for the first write, then one more for each write. */
export interface VersionedSealedState extends SealedStateRecord {
  version: number;
}

/** The single sealed-state record, written with optimistic concurrency. */
export interface SealedStateRepository {
  get(): Promise<VersionedSealedState | undefined>;
  /** The stored version, 0 while there is no record; reads no blob. */
  version(): Promise<number>;
  /**
   * Writes `record` if the stored version is still `expectedVersion` (0: no record yet) and
   * returns the new version. The check and the write are one statement. Throws
   * ERR_STORE_CONFLICT (details.reason "version") when another writer got there first.
   */
  write(record: SealedStateRecord, expectedVersion: number): Promise<number>;
  /**
   * Fails the transaction unless the stored version is `version` (0: no record), with
   * ERR_STORE_CONFLICT (details.reason "expectation"), for a caller that worked on the state of
   * that version and otherwise does its work again. Inside `tx` an engine may check it without
   * waiting for the answer (PostgreSQL sends it with the transaction's next write), so the failure
   * may come from a later call in the transaction or from its commit.
   */
  expectVersion(version: number): Promise<void>;
}

// ---- coordinator: activations -------------------------------------------------------------

/** One marble UUID that activated, with its record sealed by the coordinator. */
export interface ActivationRow {
  /** Lower-case UUID. */
  uuid: string;
  marbleType: string;
  /** The sealed activation record (opaque to the store). */
  sealed: Uint8Array;
  /** 1 when inserted, one more for each update. */
  revision: number;
}

/** What `insert` did: the row went in, the type is full, or the UUID is already recorded. */
export type ActivationInsert = 'inserted' | 'limit' | 'exists';

/**
 * MarbleRun's activation count (coordinator/core/marbleapi.go `Activate`): every successful
 * activation of a type while its MaxActivations is above 0 counts, re-activations of a UUID
 * included; with MaxActivations 0 nothing is counted. The count belongs to the type name and
 * outlives manifest updates; only `clear` resets it.
 */
export interface ActivationsRepository {
  find(uuid: string): Promise<ActivationRow | undefined>;
  /** How many activations of `marbleType` were counted against MaxActivations. */
  count(marbleType: string): Promise<number>;
  /**
   * Records a first activation of `uuid` as `marbleType`. With `maxActivations` > 0 it counts,
   * and is refused ('limit') once that many activations of the type were counted. The limit is
   * a conditional update of the type's counter, so concurrent writers can never together exceed it.
   */
  insert(row: Omit<ActivationRow, 'revision'>, maxActivations: number): Promise<ActivationInsert>;
  /**
   * `insert` for a caller that expects 'inserted' (the common case: a new UUID, room in the type)
   * and otherwise does its work again through `insert`: anything else fails the transaction with
   * ERR_STORE_CONFLICT (details.reason "expectation"), nothing written or counted. As with
   * `SealedStateRepository.expectVersion`, the failure may come from a later call or the commit.
   */
  insertNew(row: Omit<ActivationRow, 'revision'>, maxActivations: number): Promise<void>;
  /**
   * Replaces the sealed record of a recorded UUID (a re-activation) if its revision is still
   * `expectedRevision`; with `maxActivations` > 0 it counts as `insert` does, and answers 'limit'
   * (record unchanged) once the type's count reached it. Returns the new revision. Throws
   * ERR_STORE_CONFLICT (absent, another type, or another revision; nothing counted).
   */
  update(uuid: string, marbleType: string, sealed: Uint8Array, expectedRevision: number, maxActivations?: number): Promise<number | 'limit'>;
  /** Forgets every activation and counter (a new deployment replaced the old one). */
  clear(): Promise<void>;
}

// ---- coordinator: monotonic counters -------------------------------------------------------

/**
 * One of MarbleRun's monotonic counters (coordinator/clientapi/clientapi.go SetMonotonicCounter):
 * its ID names the marble type, UUID and counter name; the value is a uint64 as 8 bytes
 * big-endian, so byte order is numeric order on every engine; `sealed` is the value sealed by the
 * coordinator for this ID (opaque to the store).
 */
export interface MonotonicCounterRow {
  id: string;
  value: Uint8Array;
  sealed: Uint8Array;
}

export interface MonotonicCountersRepository {
  get(id: string): Promise<MonotonicCounterRow | undefined>;
  /**
   * Sets the counter to `row` when its value is higher than the stored one (or nothing is
   * stored) and returns the row as it was before (undefined when there was none). It never
   * lowers a counter: an equal or lower value changes nothing, and the table refuses any update
   * that would lower one (a trigger: ERR_STORE_CONFLICT, on a write that bypassed this method's
   * comparison). Throws RangeError for a value that is not 8 bytes.
   */
  raise(row: MonotonicCounterRow): Promise<MonotonicCounterRow | undefined>;
  /** Forgets every counter (a new deployment replaced the old one). */
  clear(): Promise<void>;
}

// ---- coordinator: audit log ---------------------------------------------------------------

/** One audit entry: its position, chain hashes and the canonical JSON the hash covers. */
export interface AuditRow {
  seq: number;
  prevHash: string;
  hash: string;
  /** The whole entry as canonical JSON. */
  entry: string;
}

/** Append-only: rows are never updated or deleted. */
export interface AuditLogRepository {
  /** The last entry's seq and hash, or undefined while the log is empty. */
  head(): Promise<{ seq: number; hash: string } | undefined>;
  /**
   * Appends `row` if it extends the head: seq one more than the head's (1 for an empty log) and
   * prevHash equal to the head's hash (any for seq 1). Throws ERR_STORE_CONFLICT otherwise.
   */
  append(row: AuditRow): Promise<void>;
  /** The entries after seq `afterSeq` (default 0: every entry), oldest first. */
  list(afterSeq?: number): Promise<AuditRow[]>;
}

// ---- attestation: policies, management certificates, signing keys --------------------------

/** The stored attestation policy of one type. */
export interface PolicyRow {
  /** Attestation type (SgxEnclave, SevSnpVm, ...). */
  type: string;
  text: string;
  /** The JWS exactly as the client sent it. */
  jws: string;
  /** The certificate JWK that signed `jws`, when it was signed. */
  signer: unknown;
  /** ISO time. */
  setAt: string;
}

export interface PoliciesRepository {
  get(type: string): Promise<PolicyRow | undefined>;
  /** Inserts or replaces the policy of `row.type`. */
  put(row: PolicyRow): Promise<void>;
  /** Returns true when a policy was removed. */
  delete(type: string): Promise<boolean>;
}

/** A policy-management certificate (isolated mode). */
export interface ManagementCertificateRow {
  /** Upper-case hex SHA-1 of the DER. */
  thumbprint: string;
  der: Uint8Array;
  /** ISO time. */
  addedAt: string;
  /** Thumbprint of the certificate that signed the addition; null for one from the configuration. */
  addedBy: string | null;
}

export interface ManagementCertificatesRepository {
  /** Every certificate, by thumbprint order. */
  list(): Promise<ManagementCertificateRow[]>;
  /** Returns false when the thumbprint is already stored. */
  add(row: ManagementCertificateRow): Promise<boolean>;
  /** Stores `rows` only when the repository is empty (one statement); returns how many it stored. */
  seed(rows: ManagementCertificateRow[]): Promise<number>;
  /** Removes a certificate unless it is the last one: 'removed', 'absent' or 'last'. */
  removeUnlessLast(thumbprint: string): Promise<'removed' | 'absent' | 'last'>;
}

/** A token signing key: certificate in clear, private key sealed by the caller. */
export interface SigningKeyRow {
  kid: string;
  /** ISO time. */
  createdAt: string;
  /** ISO time it stopped signing; null while it may be current. */
  retiredAt: string | null;
  certificateDer: Uint8Array;
  sealedPrivateKey: Uint8Array;
}

export interface SigningKeysRepository {
  list(): Promise<SigningKeyRow[]>;
  /** Throws ERR_STORE_CONFLICT when the kid exists. */
  insert(row: SigningKeyRow): Promise<void>;
  /** Sets retiredAt of a key not yet retired; returns false when there is none. */
  retire(kid: string, at: string): Promise<boolean>;
  /** Returns true when a key was removed. */
  delete(kid: string): Promise<boolean>;
}

/** A signed policy-management request seen before (isolated mode's replay ledger). */
export interface SignedRequestRow {
  /** SHA-256 of the request's signing input. */
  id: string;
  /** What it changes: `policy:<type>` or `certificate:<thumbprint>`. */
  scope: string;
  /** The operations it made, in order. */
  ops: string[];
  /** ISO time of its last use. */
  at: string;
}

/** The latest change of one scope. */
export interface ChangeScopeRow {
  scope: string;
  /** 1 after the first change, one more for each. */
  generation: number;
  /** `<request id>:<op>` of the latest change. */
  last: string;
}

export interface ManagementRequestsRepository {
  find(id: string): Promise<SignedRequestRow | undefined>;
  scope(scope: string): Promise<ChangeScopeRow | undefined>;
  /**
   * Records `request` as the latest change (`last`) of its scope if the scope is still at
   * `expectedGeneration` (0: never changed) and the request, if seen before, was bound to the
   * same scope; returns the new generation. Throws ERR_STORE_CONFLICT otherwise.
   */
  record(request: SignedRequestRow, last: string, expectedGeneration: number): Promise<number>;
}

// ---- key vault: key versions, deleted keys, the vault root ---------------------------------

/**
 * One version of a key. `meta` is the public description the vault lists and serves (JSON:
 * key type, public key, attributes, tags, key_ops, release policy); the private material is
 * `sealedMaterial`, encrypted by the vault under its root key before it gets here.
 */
export interface KeyVersionRow {
  name: string;
  version: string;
  meta: string;
  sealedMaterial: Uint8Array;
  /** 1 when inserted, one more for each update of `meta`. */
  revision: number;
}

/** A page of rows and where the next page starts (undefined on the last page). */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** What `insert` did: the version went in, the name is deleted (soft), or the version exists. */
export type KeyVersionInsert = 'inserted' | 'deleted' | 'exists';

/**
 * Key versions. A name that is soft-deleted (in the deleted-keys repository) is not live: its
 * versions are hidden from `latest`/`get`/lists and no version can be added until it is
 * recovered or purged; both rules are checked inside the statement.
 */
export interface KeyVersionsRepository {
  /** Adds a version to a live or new name; `revision` is ignored (1). */
  insert(row: Omit<KeyVersionRow, 'revision'>): Promise<KeyVersionInsert>;
  /** A version of a live key. */
  get(name: string, version: string): Promise<KeyVersionRow | undefined>;
  /** The newest version of a live key. */
  latest(name: string): Promise<KeyVersionRow | undefined>;
  /** Replaces `meta` of a live version still at `expectedRevision`; returns the new revision. ERR_STORE_CONFLICT otherwise. */
  update(name: string, version: string, meta: string, expectedRevision: number): Promise<number>;
  /** The newest version of each live key, by name; `after` is the `next` of the previous page. */
  listLatest(limit: number, after?: string): Promise<Page<KeyVersionRow>>;
  /** Every version of a live key, oldest first; `after` is the `next` of the previous page. */
  listVersions(name: string, limit: number, after?: string): Promise<Page<KeyVersionRow>>;
  /** Every version of a key, live or deleted, oldest first (backup, purge checks). */
  allVersions(name: string): Promise<KeyVersionRow[]>;
}

/** A soft-deleted key: its versions stay in key versions until it is purged. */
export interface DeletedKeyRow {
  name: string;
  /** Unix seconds. */
  deletedDate: number;
  /** Unix seconds. */
  scheduledPurgeDate: number;
}

export interface DeletedKeysRepository {
  /** Marks a live key deleted; false when the name has no version or is already deleted. */
  markDeleted(row: DeletedKeyRow): Promise<boolean>;
  get(name: string): Promise<DeletedKeyRow | undefined>;
  /** Deleted keys by name; `after` is the `next` of the previous page. */
  list(limit: number, after?: string): Promise<Page<DeletedKeyRow>>;
  /** Makes a deleted key live again; false when it is not deleted. */
  recover(name: string): Promise<boolean>;
  /** Removes a deleted key and all its versions for good; false when it is not deleted. */
  purge(name: string): Promise<boolean>;
}

/** A key's rotation policy (JSON, as the vault serves it); kept per name, across versions. */
export interface KeyRotationPoliciesRepository {
  get(name: string): Promise<string | undefined>;
  /** Inserts or replaces the policy of `name`. */
  put(name: string, policy: string): Promise<void>;
  /** Forgets the policy of a purged key. */
  delete(name: string): Promise<void>;
}

/** The vault root key, sealed by the caller with the instance seal. */
export interface VaultRootRow {
  /** Seal provider kind that sealed it. */
  provider: string;
  sealedRoot: Uint8Array;
  /** ISO time. */
  createdAt: string;
}

/** Written once: a vault keeps its root key for life (a new one would orphan every key). */
export interface VaultRootRepository {
  get(): Promise<VaultRootRow | undefined>;
  /** Stores the root if there is none (one statement); false when one is stored. */
  put(row: VaultRootRow): Promise<boolean>;
  /**
   * Replaces the stored row only while it still holds `previousSealedRoot` (one statement): the
   * same root key sealed anew, when a security domain restores it under another seal key. False
   * when the row changed or is absent.
   */
  reseal(row: VaultRootRow, previousSealedRoot: Uint8Array): Promise<boolean>;
}

// ---- ledger: transactions -------------------------------------------------------------------

/** One ledger transaction: an entry or a signature transaction, with the parts its leaf is hashed from. */
export interface LedgerTransactionRow {
  /** 1, 2, 3, … without gaps. */
  seqno: number;
  kind: 'entry' | 'signature';
  /** The transaction's own JSON (an entry's collection, contents and key; a signature's signed root). */
  body: string;
  /** `ce:view.seqno:<hex>`. */
  commitEvidence: string;
  /** Lower-case hex, 32 bytes each. */
  writeSetDigest: string;
  claimsDigest: string;
}

/** Append-only: rows are never updated or deleted (the database refuses it too). */
export interface LedgerTransactionsRepository {
  /** The last seqno, 0 while the ledger is empty. */
  head(): Promise<number>;
  /**
   * Appends `rows` (one durable write for many appends) if they continue the ledger: seqnos
   * head + 1, head + 2, … All land or none do. Throws ERR_STORE_CONFLICT otherwise.
   */
  append(rows: readonly LedgerTransactionRow[]): Promise<void>;
  /**
   * How many appends a caller may have outstanding at once (default 1): when more than 1, appends
   * run in call order and one that fails leaves the head where it was (so the later ones fail as
   * not continuing the ledger).
   */
  readonly writesInFlight?: number;
  /** Rows with `from` <= seqno <= `to`, oldest first. */
  range(from: number, to: number): Promise<LedgerTransactionRow[]>;
}

/** The ledger's identity: certificates in PEM, private keys sealed by the caller. */
export interface LedgerIdentityRow {
  /** The self-signed service identity certificate. */
  serviceCertificate: string;
  sealedServiceKey: Uint8Array;
  /** The node certificate, issued by the service identity: it signs roots and serves TLS. */
  nodeCertificate: string;
  sealedNodeKey: Uint8Array;
  /** ISO time. */
  createdAt: string;
}

/** Written once: every receipt names this identity, so a second one would orphan them. */
export interface LedgerIdentityRepository {
  get(): Promise<LedgerIdentityRow | undefined>;
  /** Stores the identity if there is none (one statement); false when one is stored. */
  put(row: LedgerIdentityRow): Promise<boolean>;
}

export type LedgerRole = 'Administrator' | 'Contributor' | 'Reader';

/** A ledger user (AAD object id or certificate fingerprint) and its role. */
export interface LedgerUserRow {
  userId: string;
  role: LedgerRole;
}

export interface LedgerUsersRepository {
  get(userId: string): Promise<LedgerUserRow | undefined>;
  /** Inserts or replaces the user's role. */
  put(row: LedgerUserRow): Promise<void>;
  /** Returns true when a user was removed. */
  delete(userId: string): Promise<boolean>;
  /** How many users hold `role`. */
  count(role: LedgerRole): Promise<number>;
}

// ---- the store -------------------------------------------------------------------------------

/** The repositories, as seen inside or outside a transaction. */
export interface Repositories {
  sealedState: SealedStateRepository;
  activations: ActivationsRepository;
  monotonicCounters: MonotonicCountersRepository;
  auditLog: AuditLogRepository;
  policies: PoliciesRepository;
  managementCertificates: ManagementCertificatesRepository;
  signingKeys: SigningKeysRepository;
  managementRequests: ManagementRequestsRepository;
  keyVersions: KeyVersionsRepository;
  deletedKeys: DeletedKeysRepository;
  keyRotationPolicies: KeyRotationPoliciesRepository;
  vaultRoot: VaultRootRepository;
  ledgerTransactions: LedgerTransactionsRepository;
  ledgerIdentity: LedgerIdentityRepository;
  ledgerUsers: LedgerUsersRepository;
}

export interface Store extends Repositories {
  /** Engine name, for /readyz and logs. */
  readonly engine: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one transaction: all its writes land or none do. A throw rolls back and
   * rethrows. The repositories' own invariants hold whatever the engine's isolation; a caller
   * that reads, then writes what it read, states what it read in the write (a version).
   */
  tx<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  /** Throws ERR_STORE_UNAVAILABLE when the store cannot answer. */
  ping(): Promise<void>;
  /** The applied schema version. */
  schemaVersion(): Promise<number>;
  /** Transactions run again since the store opened, after a deadlock or serialization failure (always 0 on SQLite's single writer). */
  retries(): number;
  close(): Promise<void>;
}

/** A numbered migration for one dialect. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
