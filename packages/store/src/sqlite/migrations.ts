/**
 * SQLite schema migrations, applied in order; each runs in its own transaction. The SQL sticks
 * to what PostgreSQL also has (ON CONFLICT, INSERT ... SELECT ... WHERE, CHECK), so that
 * dialect's list differs in types (BLOB -> BYTEA, STRICT dropped) and triggers only.
 * Migration 1 is the first released schema: the untyped settings table of the development
 * versions before it was never released and is not migrated.
 */
import type { Migration } from '../port.js';

export const sqliteMigrations: Migration[] = [
  {
    version: 1,
    name: 'typed-repositories',
    sql: `
      -- One row: the coordinator's sealed state. version is the optimistic-concurrency check.
      CREATE TABLE sealed_state (
        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
        version INTEGER NOT NULL CHECK (version >= 1),
        provider TEXT NOT NULL,
        wrapped_data_key BLOB NOT NULL,
        recovery_data TEXT,
        recovery_shares TEXT,
        sealed_state BLOB NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- Per marble type, how many UUIDs activated: MaxActivations is a conditional update of this row.
      CREATE TABLE activation_counts (
        marble_type TEXT PRIMARY KEY NOT NULL,
        activated INTEGER NOT NULL CHECK (activated >= 0)
      ) STRICT;

      CREATE TABLE activations (
        uuid TEXT PRIMARY KEY NOT NULL,
        marble_type TEXT NOT NULL REFERENCES activation_counts (marble_type),
        sealed BLOB NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX activations_by_type ON activations (marble_type);

      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        entry TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      CREATE TABLE attestation_policies (
        type TEXT PRIMARY KEY NOT NULL,
        text TEXT NOT NULL,
        jws TEXT NOT NULL,
        signer TEXT,
        set_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE management_certificates (
        thumbprint TEXT PRIMARY KEY NOT NULL,
        der BLOB NOT NULL,
        added_at TEXT NOT NULL,
        added_by TEXT
      ) STRICT;

      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY NOT NULL,
        created_at TEXT NOT NULL,
        retired_at TEXT,
        certificate_der BLOB NOT NULL,
        sealed_private_key BLOB NOT NULL
      ) STRICT;

      -- Isolated mode's replay ledger: each signed management request, and each scope's latest change.
      CREATE TABLE change_scopes (
        scope TEXT PRIMARY KEY NOT NULL,
        generation INTEGER NOT NULL CHECK (generation >= 1),
        last TEXT NOT NULL
      ) STRICT;
      CREATE TABLE signed_requests (
        id TEXT PRIMARY KEY NOT NULL,
        scope TEXT NOT NULL,
        ops TEXT NOT NULL,
        at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'key-vault',
    sql: `
      -- Key versions: public description in clear, private material encrypted by the vault
      -- under its root key. seq orders versions (the newest is the latest).
      CREATE TABLE key_versions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        meta TEXT NOT NULL,
        sealed_material BLOB NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        UNIQUE (name, version)
      ) STRICT;
      CREATE INDEX key_versions_by_name ON key_versions (name, seq);

      -- A soft-deleted key name: its versions stay above until a purge.
      CREATE TABLE deleted_keys (
        name TEXT PRIMARY KEY NOT NULL,
        deleted_date INTEGER NOT NULL,
        scheduled_purge_date INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE key_rotation_policies (
        name TEXT PRIMARY KEY NOT NULL,
        policy TEXT NOT NULL
      ) STRICT;

      -- One row: the vault root key, sealed with the instance seal; written once.
      CREATE TABLE vault_root (
        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
        provider TEXT NOT NULL,
        sealed_root BLOB NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'ledger',
    sql: `
      -- The verifiable ledger's transactions, append-only: a row lands only at the next seqno, and
      -- triggers refuse every UPDATE and DELETE, so a rewrite needs the database file itself (which
      -- the ledger's signed roots then expose).
      CREATE TABLE ledger_transactions (
        seqno INTEGER PRIMARY KEY NOT NULL CHECK (seqno >= 1),
        kind TEXT NOT NULL CHECK (kind IN ('entry', 'signature')),
        body TEXT NOT NULL,
        commit_evidence TEXT NOT NULL,
        write_set_digest TEXT NOT NULL,
        claims_digest TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
      CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    `,
  },
  {
    version: 4,
    name: 'ledger-identity-users',
    sql: `
      -- One row: the ledger's service identity (self-signed root) and node certificate, their
      -- private keys sealed with the instance seal; written once (receipts name this identity for life).
      CREATE TABLE ledger_identity (
        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
        service_certificate TEXT NOT NULL,
        sealed_service_key BLOB NOT NULL,
        node_certificate TEXT NOT NULL,
        sealed_node_key BLOB NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      -- The Confidential Ledger's users: an AAD object id or a certificate fingerprint, one role each.
      CREATE TABLE ledger_users (
        user_id TEXT PRIMARY KEY NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('Administrator', 'Contributor', 'Reader'))
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'monotonic-counters',
    sql: `
      -- MarbleRun's monotonic counters: value is a uint64 as 8 bytes big-endian (byte order is
      -- numeric order, and SQLite's INTEGER is signed), sealed the value sealed by the coordinator.
      -- A counter never decreases: the trigger refuses any update that would lower one.
      CREATE TABLE monotonic_counters (
        id TEXT PRIMARY KEY NOT NULL,
        value BLOB NOT NULL CHECK (length(value) = 8),
        sealed BLOB NOT NULL
      ) STRICT;
      CREATE TRIGGER monotonic_counters_never_decrease BEFORE UPDATE ON monotonic_counters WHEN NEW.value < OLD.value
        BEGIN SELECT RAISE(ABORT, 'a monotonic counter never decreases'); END;
    `,
  },
  {
    version: 6,
    name: 'audit-append',
    // PostgreSQL's pipelined audit append (a function); SQLite's single writer needs none. Kept in lockstep.
    sql: 'SELECT 1;',
  },
  {
    version: 7,
    name: 'expectations',
    // PostgreSQL's confide_expect (a function for checks sent without waiting); SQLite checks at once. Kept in lockstep.
    sql: 'SELECT 1;',
  },
  {
    version: 8,
    name: 'key-meta-scrub',
    // A key rotation before this version wrote the copied version's loaded key, private JWK
    // included, as a "loaded" member of the new version's meta, which is kept in clear.
    sql: `UPDATE key_versions SET meta = json_remove(meta, '$.loaded') WHERE json_valid(meta) AND json_type(meta, '$.loaded') IS NOT NULL;`,
  },
  {
    version: 9,
    name: 'audit-turn-order',
    // PostgreSQL's order of one process's audit appends across its connections; SQLite's single writer needs none. Kept in lockstep.
    sql: 'SELECT 1;',
  },
];
