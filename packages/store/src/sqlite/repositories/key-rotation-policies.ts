/** Key rotation policies, one JSON document per key name. */
import type { KeyRotationPoliciesRepository } from '../../port.js';
import type { Db } from './db.js';

export function keyRotationPoliciesOn(db: Db): KeyRotationPoliciesRepository {
  const get = db.prepare<[string], { policy: string }>('SELECT policy FROM key_rotation_policies WHERE name = ?');
  const put = db.prepare('INSERT INTO key_rotation_policies (name, policy) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET policy = excluded.policy');
  const remove = db.prepare('DELETE FROM key_rotation_policies WHERE name = ?');
  return {
    async get(name) {
      return get.get(name)?.policy;
    },
    async put(name, policy) {
      put.run(name, policy);
    },
    async delete(name) {
      remove.run(name);
    },
  };
}
