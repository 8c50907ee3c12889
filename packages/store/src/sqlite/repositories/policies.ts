/** Attestation policies, one row per attestation type. */
import type { PoliciesRepository, PolicyRow } from '../../port.js';
import { policyOf, type PolicyColumns } from '../../records.js';
import { toJson, type Db } from './db.js';


export function policiesOn(db: Db): PoliciesRepository {
  const get = db.prepare<[string], PolicyColumns>('SELECT type, text, jws, signer, set_at FROM attestation_policies WHERE type = ?');
  const put = db.prepare(
    `INSERT INTO attestation_policies (type, text, jws, signer, set_at) VALUES (@type, @text, @jws, @signer, @setAt)
     ON CONFLICT (type) DO UPDATE SET text = excluded.text, jws = excluded.jws, signer = excluded.signer, set_at = excluded.set_at`,
  );
  const remove = db.prepare('DELETE FROM attestation_policies WHERE type = ?');
  return {
    async get(type): Promise<PolicyRow | undefined> {
      const row = get.get(type);
      return row && policyOf(row);
    },
    async put(row) {
      put.run({ type: row.type, text: row.text, jws: row.jws, signer: toJson(row.signer), setAt: row.setAt });
    },
    async delete(type) {
      return remove.run(type).changes === 1;
    },
  };
}
