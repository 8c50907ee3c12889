/**
 * PostgreSQL schema migrations: the same numbers and names as `sqliteMigrations`, in lockstep (a
 * test compares the two lists), translated: BLOB -> BYTEA, INTEGER sequence numbers -> BIGINT,
 * STRICT dropped, text keys that pages are cut by in binary order (COLLATE "C", as SQLite
 * compares), and the append-only triggers as one PL/pgSQL function. Each runs in its own
 * transaction, all of them under one advisory lock (engine.ts).
 */
import type { Migration } from '../port.js';

export const postgresMigrations: Migration[] = [
  {
    version: 1,
    name: 'typed-repositories',
    sql: `
      -- Refuses the statement with the message given to the trigger: append-only tables.
      CREATE FUNCTION confide_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
      END
      $$;

      CREATE TABLE sealed_state (
        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
        version INTEGER NOT NULL CHECK (version >= 1),
        provider TEXT NOT NULL,
        wrapped_data_key BYTEA NOT NULL,
        recovery_data TEXT,
        recovery_shares TEXT,
        sealed_state BYTEA NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- MaxActivations is a conditional UPDATE of this row: its row lock orders concurrent writers.
      CREATE TABLE activation_counts (
        marble_type TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        activated INTEGER NOT NULL CHECK (activated >= 0)
      );

      CREATE TABLE activations (
        uuid TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        marble_type TEXT COLLATE "C" NOT NULL REFERENCES activation_counts (marble_type),
        sealed BYTEA NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        updated_at TEXT NOT NULL
      );
      CREATE INDEX activations_by_type ON activations (marble_type);

      CREATE TABLE audit_log (
        seq BIGINT PRIMARY KEY NOT NULL CHECK (seq >= 1),
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        entry TEXT NOT NULL
      );
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION confide_refuse_change('the audit log is append-only');
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION confide_refuse_change('the audit log is append-only');
      -- The head for a writer: the audit chain's transaction lock first, then (a new snapshot, as
      -- each statement of a VOLATILE function takes at READ COMMITTED) the head the writer before
      -- committed; one round trip. 24949 = 0x6175, the chain's advisory lock key.
      CREATE FUNCTION confide_audit_head_for_append(OUT seq BIGINT, OUT hash TEXT) RETURNS SETOF record LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(24949, 0);
        RETURN QUERY SELECT a.seq, a.hash FROM audit_log AS a ORDER BY a.seq DESC LIMIT 1;
      END
      $$;

      CREATE TABLE attestation_policies (
        type TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        text TEXT NOT NULL,
        jws TEXT NOT NULL,
        signer TEXT,
        set_at TEXT NOT NULL
      );

      CREATE TABLE management_certificates (
        thumbprint TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        der BYTEA NOT NULL,
        added_at TEXT NOT NULL,
        added_by TEXT
      );

      CREATE TABLE signing_keys (
        kid TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        retired_at TEXT,
        certificate_der BYTEA NOT NULL,
        sealed_private_key BYTEA NOT NULL
      );

      CREATE TABLE change_scopes (
        scope TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        generation INTEGER NOT NULL CHECK (generation >= 1),
        last TEXT NOT NULL
      );
      CREATE TABLE signed_requests (
        id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        scope TEXT COLLATE "C" NOT NULL,
        ops TEXT NOT NULL,
        at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'key-vault',
    sql: `
      CREATE TABLE key_versions (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL,
        version TEXT COLLATE "C" NOT NULL,
        meta TEXT NOT NULL,
        sealed_material BYTEA NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        UNIQUE (name, version)
      );
      CREATE INDEX key_versions_by_name ON key_versions (name, seq);

      CREATE TABLE deleted_keys (
        name TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        deleted_date BIGINT NOT NULL,
        scheduled_purge_date BIGINT NOT NULL
      );

      CREATE TABLE key_rotation_policies (
        name TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        policy TEXT NOT NULL
      );

      CREATE TABLE vault_root (
        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
        provider TEXT NOT NULL,
        sealed_root BYTEA NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'ledger',
    sql: `
      CREATE TABLE ledger_transactions (
        seqno BIGINT PRIMARY KEY NOT NULL CHECK (seqno >= 1),
        kind TEXT NOT NULL CHECK (kind IN ('entry', 'signature')),
        body TEXT NOT NULL,
        commit_evidence TEXT NOT NULL,
        write_set_digest TEXT NOT NULL,
        claims_digest TEXT NOT NULL
      );
      CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE OR DELETE ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION confide_refuse_change('the ledger is append-only');
      CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions FOR EACH STATEMENT EXECUTE FUNCTION confide_refuse_change('the ledger is append-only');
    `,
  },
  {
    version: 4,
    name: 'ledger-identity-users',
    sql: `
      CREATE TABLE ledger_identity (
        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
        service_certificate TEXT NOT NULL,
        sealed_service_key BYTEA NOT NULL,
        node_certificate TEXT NOT NULL,
        sealed_node_key BYTEA NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE ledger_users (
        user_id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('Administrator', 'Contributor', 'Reader'))
      );
    `,
  },
  {
    version: 5,
    name: 'monotonic-counters',
    sql: `
      -- MarbleRun's monotonic counters (sqlite/migrations.ts says why the value is 8 bytes).
      CREATE TABLE monotonic_counters (
        id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
        value BYTEA NOT NULL CHECK (octet_length(value) = 8),
        sealed BYTEA NOT NULL
      );
      CREATE TRIGGER monotonic_counters_never_decrease BEFORE UPDATE ON monotonic_counters FOR EACH ROW WHEN (NEW.value < OLD.value)
        EXECUTE FUNCTION confide_refuse_change('a monotonic counter never decreases');
    `,
  },
  {
    version: 6,
    name: 'audit-append',
    sql: `
      -- An audit append that may be sent without waiting for it, its COMMIT right behind it
      -- (repositories/audit-log.ts): the chain's lock, then (a new snapshot) the entry goes in only
      -- over the head committed now, else the whole transaction fails with a serialization failure,
      -- which the engine runs again. A failure that merely returned no row would let the COMMIT
      -- behind it commit the rest of the transaction without its audit entry.
      CREATE FUNCTION confide_audit_append(p_seq BIGINT, p_prev_hash TEXT, p_hash TEXT, p_entry TEXT) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(24949, 0);
        IF COALESCE((SELECT MAX(a.seq) FROM audit_log AS a), 0) <> p_seq - 1
           OR (p_seq > 1 AND NOT EXISTS (SELECT 1 FROM audit_log AS a WHERE a.seq = p_seq - 1 AND a.hash = p_prev_hash)) THEN
          RAISE EXCEPTION 'audit entry % does not extend the head', p_seq USING ERRCODE = 'serialization_failure';
        END IF;
        INSERT INTO audit_log (seq, prev_hash, hash, entry) VALUES (p_seq, p_prev_hash, p_hash, p_entry);
      END
      $$;
    `,
  },
  {
    version: 7,
    name: 'expectations',
    sql: `
      -- A check sent without waiting for its answer (expectVersion, insertNew): it must fail the
      -- transaction when it does not hold, as the COMMIT behind it would otherwise commit the
      -- rest. SQLSTATE CF001 (class CF is not PostgreSQL's) is the store's "expectation".
      CREATE FUNCTION confide_expect(p_ok BOOLEAN, p_what TEXT) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF p_ok IS NOT TRUE THEN
          RAISE EXCEPTION '%', p_what USING ERRCODE = 'CF001';
        END IF;
      END
      $$;
    `,
  },
  {
    version: 8,
    name: 'key-meta-scrub',
    sql: `
      -- A key rotation before this version wrote the copied version's loaded key, private JWK
      -- included, as a "loaded" member of the new version's meta, which is kept in clear.
      UPDATE key_versions SET meta = (meta::jsonb - 'loaded')::text WHERE (meta::jsonb -> 'loaded') IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: 'audit-turn-order',
    sql: `
      -- The audit chain's turns in one process (audit-chain.ts): a transaction that takes a token
      -- holds the 64-bit advisory lock on it from the write that asks for its turn, and the head read and the append of
      -- the transaction after it first wait (a shared lock) until the one before it ended, so they
      -- reach the chain's lock after it whichever connection the server serves first. A null
      -- token: no transaction before it to wait for.
      CREATE FUNCTION confide_audit_head_for_append(p_after BIGINT, OUT seq BIGINT, OUT hash TEXT) RETURNS SETOF record LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF p_after IS NOT NULL THEN
          PERFORM pg_advisory_xact_lock_shared(p_after);
        END IF;
        RETURN QUERY SELECT h.seq, h.hash FROM confide_audit_head_for_append() AS h;
      END
      $$;
      CREATE FUNCTION confide_audit_append(p_seq BIGINT, p_prev_hash TEXT, p_hash TEXT, p_entry TEXT, p_after BIGINT) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF p_after IS NOT NULL THEN
          PERFORM pg_advisory_xact_lock_shared(p_after);
        END IF;
        PERFORM confide_audit_append(p_seq, p_prev_hash, p_hash, p_entry);
      END
      $$;
    `,
  },
];
