/** The sealed-state row: every write names the version it replaces, checked in the UPDATE itself. */
import type { ConfideError } from '@confide/core';
import { expectationFailed, StoreError, versionMovedMessage } from '../../errors.js';
import type { SealedStateRecord, SealedStateRepository, VersionedSealedState } from '../../port.js';
import { sealedStateOf, type SealedStateColumns } from '../../records.js';
import { nowIso, toJson, type Db } from './db.js';


function conflict(expected: number): ConfideError {
  return new StoreError('ERR_STORE_CONFLICT', `the sealed state is no longer at version ${expected}: another writer changed it`, {
    details: { reason: 'version', expectedVersion: expected },
  });
}

export function sealedStateOn(db: Db): SealedStateRepository {
  const get = db.prepare<[], SealedStateColumns>('SELECT version, provider, wrapped_data_key, recovery_data, recovery_shares, sealed_state FROM sealed_state WHERE id = 1');
  const version = db.prepare<[], { version: number }>('SELECT version FROM sealed_state WHERE id = 1');
  const insert = db.prepare(
    `INSERT INTO sealed_state (id, version, provider, wrapped_data_key, recovery_data, recovery_shares, sealed_state, updated_at)
     VALUES (1, 1, @provider, @wrapped, @recoveryData, @recoveryShares, @sealed, @at) ON CONFLICT (id) DO NOTHING`,
  );
  const update = db.prepare(
    `UPDATE sealed_state SET version = version + 1, provider = @provider, wrapped_data_key = @wrapped, recovery_data = @recoveryData,
     recovery_shares = @recoveryShares, sealed_state = @sealed, updated_at = @at WHERE id = 1 AND version = @expected`,
  );
  return {
    async get(): Promise<VersionedSealedState | undefined> {
      const row = get.get();
      return row && sealedStateOf(row);
    },
    async version() {
      return version.get()?.version ?? 0;
    },
    async expectVersion(expected) {
      if ((version.get()?.version ?? 0) !== expected) throw expectationFailed(versionMovedMessage(expected));
    },
    async write(record: SealedStateRecord, expectedVersion: number) {
      const params = {
        provider: record.provider,
        wrapped: record.wrappedDataKey,
        recoveryData: toJson(record.recoveryData),
        recoveryShares: toJson(record.recoveryShares),
        sealed: record.sealedState,
        at: nowIso(),
      };
      const written = expectedVersion === 0 ? insert.run(params) : update.run({ ...params, expected: expectedVersion });
      if (written.changes !== 1) throw conflict(expectedVersion);
      return expectedVersion + 1;
    },
  };
}
