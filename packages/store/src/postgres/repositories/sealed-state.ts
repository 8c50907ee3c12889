/**
 * The sealed-state row: every write names the version it replaces, checked in the UPDATE itself.
 * Under READ COMMITTED a concurrent writer waits on the row lock and PostgreSQL re-checks
 * `version = $expected` on the row the winner committed, so exactly one writer of a version lands.
 */
import { StoreError, versionMovedMessage } from '../../errors.js';
import type { SealedStateRecord, SealedStateRepository } from '../../port.js';
import type { Sql } from '../sql.js';
import { sealedStateOf, type SealedStateColumns } from '../../records.js';
import { nowIso, toJson } from './rows.js';


export function sealedStateOn(sql: Sql): SealedStateRepository {
  return {
    async get() {
      const { rows } = await sql.query<SealedStateColumns>('SELECT version, provider, wrapped_data_key, recovery_data, recovery_shares, sealed_state FROM sealed_state WHERE id = 1');
      return rows[0] && sealedStateOf(rows[0]);
    },
    async version() {
      const { rows } = await sql.query<{ version: number }>('SELECT version FROM sealed_state WHERE id = 1');
      return rows[0]?.version ?? 0;
    },
    async expectVersion(expected) {
      await sql.expect('SELECT confide_expect(COALESCE((SELECT version FROM sealed_state WHERE id = 1), 0) = $1::integer, $2)', [expected, versionMovedMessage(expected)]);
    },
    async write(record: SealedStateRecord, expectedVersion: number) {
      const values = [record.provider, record.wrappedDataKey, toJson(record.recoveryData), toJson(record.recoveryShares), record.sealedState, nowIso()];
      const written =
        expectedVersion === 0
          ? await sql.query(
              `INSERT INTO sealed_state (id, version, provider, wrapped_data_key, recovery_data, recovery_shares, sealed_state, updated_at)
               VALUES (1, 1, $1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
              values,
            )
          : await sql.query(
              `UPDATE sealed_state SET version = version + 1, provider = $1, wrapped_data_key = $2, recovery_data = $3, recovery_shares = $4,
               sealed_state = $5, updated_at = $6 WHERE id = 1 AND version = $7`,
              [...values, expectedVersion],
            );
      if (written.rowCount !== 1) {
        throw new StoreError('ERR_STORE_CONFLICT', `the sealed state is no longer at version ${expectedVersion}: another writer changed it`, {
          details: { reason: 'version', expectedVersion },
        });
      }
      return expectedVersion + 1;
    },
  };
}
