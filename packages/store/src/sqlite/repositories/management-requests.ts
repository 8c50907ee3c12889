/**
 * The replay ledger of signed management requests. A change is recorded over the scope's
 * generation the caller read (a conditional insert or update), so two writers that both saw a
 * request as new cannot both apply it; a request stays bound to the scope it was first used for.
 */
import type { ConfideError } from '@confide/core';
import { StoreError } from '../../errors.js';
import type { ManagementRequestsRepository, SignedRequestRow } from '../../port.js';
import { signedRequestOf, type SignedRequestColumns } from '../../records.js';
import type { Db } from './db.js';

function conflict(reason: string, scope: string): ConfideError {
  return new StoreError('ERR_STORE_CONFLICT', `the change ledger of ${scope} moved on or binds the request elsewhere (${reason})`, { details: { reason, scope } });
}

export function managementRequestsOn(db: Db): ManagementRequestsRepository {
  const find = db.prepare<[string], SignedRequestColumns>('SELECT id, scope, ops, at FROM signed_requests WHERE id = ?');
  const scope = db.prepare<[string], { scope: string; generation: number; last: string }>('SELECT scope, generation, last FROM change_scopes WHERE scope = ?');
  const firstChange = db.prepare('INSERT INTO change_scopes (scope, generation, last) VALUES (@scope, 1, @last) ON CONFLICT (scope) DO NOTHING');
  const nextChange = db.prepare('UPDATE change_scopes SET generation = generation + 1, last = @last WHERE scope = @scope AND generation = @expected');
  const putRequest = db.prepare(
    `INSERT INTO signed_requests (id, scope, ops, at) VALUES (@id, @scope, @ops, @at)
     ON CONFLICT (id) DO UPDATE SET ops = excluded.ops, at = excluded.at WHERE signed_requests.scope = excluded.scope`,
  );
  const record = db.transaction((request: SignedRequestRow, last: string, expected: number): number => {
    const moved = expected === 0 ? firstChange.run({ scope: request.scope, last }) : nextChange.run({ scope: request.scope, last, expected });
    if (moved.changes !== 1) throw conflict('generation', request.scope);
    if (putRequest.run({ id: request.id, scope: request.scope, ops: JSON.stringify(request.ops), at: request.at }).changes !== 1) throw conflict('scope', request.scope);
    return expected + 1;
  });
  return {
    async find(id) {
      const row = find.get(id);
      return row && signedRequestOf(row);
    },
    async scope(name) {
      return scope.get(name);
    },
    async record(request, last, expectedGeneration) {
      return record(request, last, expectedGeneration);
    },
  };
}
