/** Key rotation policies, one JSON document per key name. */
import type { KeyRotationPoliciesRepository } from '../../port.js';
import type { Sql } from '../sql.js';

export function keyRotationPoliciesOn(sql: Sql): KeyRotationPoliciesRepository {
  return {
    async get(name) {
      const { rows } = await sql.query<{ policy: string }>('SELECT policy FROM key_rotation_policies WHERE name = $1', [name]);
      return rows[0]?.policy;
    },
    async put(name, policy) {
      await sql.query('INSERT INTO key_rotation_policies (name, policy) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET policy = excluded.policy', [name, policy]);
    },
    async delete(name) {
      await sql.query('DELETE FROM key_rotation_policies WHERE name = $1', [name]);
    },
  };
}
