/** Attestation policies, one row per attestation type; the last writer wins (the management-request ledger orders signed changes). */
import type { PoliciesRepository, PolicyRow } from '../../port.js';
import type { Sql } from '../sql.js';
import { policyOf, type PolicyColumns } from '../../records.js';
import { sharedReads } from '../shared-read.js';
import { toJson } from './rows.js';

export function policiesOn(sql: Sql): PoliciesRepository {
  const read = async (type: string): Promise<PolicyRow | undefined> => {
    const { rows } = await sql.query<PolicyColumns>('SELECT type, text, jws, signer, set_at FROM attestation_policies WHERE type = $1', [type]);
    return rows[0] && policyOf(rows[0]);
  };
  // Every attestation reads its type's policy: concurrent ones on the pool share the round trip (shared-read.ts).
  const get = sql.tx === undefined ? sharedReads(read) : read;
  return {
    get,
    async put(row) {
      await sql.query(
        `INSERT INTO attestation_policies (type, text, jws, signer, set_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (type) DO UPDATE SET text = excluded.text, jws = excluded.jws, signer = excluded.signer, set_at = excluded.set_at`,
        [row.type, row.text, row.jws, toJson(row.signer), row.setAt],
      );
    },
    async delete(type) {
      return (await sql.query('DELETE FROM attestation_policies WHERE type = $1', [type])).rowCount === 1;
    },
  };
}
