/**
 * The rows both engines read (same column names on SQLite and PostgreSQL) and how each becomes
 * the port's record, so an engine only says how to run its SQL. Sequence numbers and dates may
 * come back as decimal strings (PostgreSQL's BIGINT), hence `Number(...)`.
 */
import { bytes, fromJson } from './columns.js';
import type {
  ActivationRow,
  AuditRow,
  DeletedKeyRow,
  KeyVersionRow,
  LedgerIdentityRow,
  LedgerTransactionRow,
  ManagementCertificateRow,
  PolicyRow,
  SignedRequestRow,
  SigningKeyRow,
  VaultRootRow,
  VersionedSealedState,
} from './port.js';

export interface SealedStateColumns {
  version: number;
  provider: string;
  wrapped_data_key: Uint8Array;
  recovery_data: string | null;
  recovery_shares: string | null;
  sealed_state: Uint8Array;
}

export function sealedStateOf(row: SealedStateColumns): VersionedSealedState {
  return {
    version: row.version,
    provider: row.provider,
    wrappedDataKey: bytes(row.wrapped_data_key),
    recoveryData: fromJson(row.recovery_data),
    recoveryShares: fromJson(row.recovery_shares) as Record<string, string> | null,
    sealedState: bytes(row.sealed_state),
  };
}

export interface ActivationColumns {
  uuid: string;
  marble_type: string;
  sealed: Uint8Array;
  revision: number;
}

export function activationOf(row: ActivationColumns): ActivationRow {
  return { uuid: row.uuid, marbleType: row.marble_type, sealed: bytes(row.sealed), revision: row.revision };
}

export interface PolicyColumns {
  type: string;
  text: string;
  jws: string;
  signer: string | null;
  set_at: string;
}

export function policyOf(row: PolicyColumns): PolicyRow {
  return { type: row.type, text: row.text, jws: row.jws, signer: fromJson(row.signer), setAt: row.set_at };
}

export interface ManagementCertificateColumns {
  thumbprint: string;
  der: Uint8Array;
  added_at: string;
  added_by: string | null;
}

export function certificateOf(row: ManagementCertificateColumns): ManagementCertificateRow {
  return { thumbprint: row.thumbprint, der: bytes(row.der), addedAt: row.added_at, addedBy: row.added_by };
}

export interface SigningKeyColumns {
  kid: string;
  created_at: string;
  retired_at: string | null;
  certificate_der: Uint8Array;
  sealed_private_key: Uint8Array;
}

export function signingKeyOf(row: SigningKeyColumns): SigningKeyRow {
  return { kid: row.kid, createdAt: row.created_at, retiredAt: row.retired_at, certificateDer: bytes(row.certificate_der), sealedPrivateKey: bytes(row.sealed_private_key) };
}

export interface KeyVersionColumns {
  seq: number | string;
  name: string;
  version: string;
  meta: string;
  sealed_material: Uint8Array;
  revision: number;
}

/** The key version columns, as `k`, and the condition that its name is not soft-deleted. */
export const KEY_VERSION_COLUMNS = 'k.seq, k.name, k.version, k.meta, k.sealed_material, k.revision';
export const LIVE_KEY = 'NOT EXISTS (SELECT 1 FROM deleted_keys d WHERE d.name = k.name)';

export function keyVersionOf(row: KeyVersionColumns): KeyVersionRow {
  return { name: row.name, version: row.version, meta: row.meta, sealedMaterial: bytes(row.sealed_material), revision: row.revision };
}

export interface LedgerTransactionColumns {
  seqno: number | string;
  kind: 'entry' | 'signature';
  body: string;
  commit_evidence: string;
  write_set_digest: string;
  claims_digest: string;
}

export function ledgerTransactionOf(r: LedgerTransactionColumns): LedgerTransactionRow {
  return { seqno: Number(r.seqno), kind: r.kind, body: r.body, commitEvidence: r.commit_evidence, writeSetDigest: r.write_set_digest, claimsDigest: r.claims_digest };
}

export interface LedgerIdentityColumns {
  service_certificate: string;
  sealed_service_key: Uint8Array;
  node_certificate: string;
  sealed_node_key: Uint8Array;
  created_at: string;
}

export function ledgerIdentityOf(r: LedgerIdentityColumns): LedgerIdentityRow {
  return {
    serviceCertificate: r.service_certificate,
    sealedServiceKey: bytes(r.sealed_service_key),
    nodeCertificate: r.node_certificate,
    sealedNodeKey: bytes(r.sealed_node_key),
    createdAt: r.created_at,
  };
}

export interface AuditColumns {
  seq: number | string;
  prev_hash: string;
  hash: string;
  entry: string;
}

export function auditOf(r: AuditColumns): AuditRow {
  return { seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash, entry: r.entry };
}

export interface DeletedKeyColumns {
  name: string;
  deleted_date: number | string;
  scheduled_purge_date: number | string;
}

export function deletedKeyOf(r: DeletedKeyColumns): DeletedKeyRow {
  return { name: r.name, deletedDate: Number(r.deleted_date), scheduledPurgeDate: Number(r.scheduled_purge_date) };
}

export interface VaultRootColumns {
  provider: string;
  sealed_root: Uint8Array;
  created_at: string;
}

export function vaultRootOf(r: VaultRootColumns): VaultRootRow {
  return { provider: r.provider, sealedRoot: bytes(r.sealed_root), createdAt: r.created_at };
}

export interface SignedRequestColumns {
  id: string;
  scope: string;
  ops: string;
  at: string;
}

export function signedRequestOf(r: SignedRequestColumns): SignedRequestRow {
  return { id: r.id, scope: r.scope, ops: JSON.parse(r.ops) as string[], at: r.at };
}
