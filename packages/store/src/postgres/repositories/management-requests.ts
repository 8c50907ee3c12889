/**
 * The replay ledger of signed management requests. A change is recorded over the scope's
 * generation the caller read (a conditional insert or update whose row lock orders concurrent
 * writers), so two writers that both saw a request as new cannot both apply it; a request stays
 * bound to the scope it was first used for. Both steps in one savepoint: a refusal undoes the first.
 */
import { StoreError } from '../../errors.js';
import type { ManagementRequestsRepository } from '../../port.js';
import { signedRequestOf, type SignedRequestColumns } from '../../records.js';
import type { Sql } from '../sql.js';

function conflict(reason: string, scope: string): StoreError {
  return new StoreError('ERR_STORE_CONFLICT', `the change ledger of ${scope} moved on or binds the request elsewhere (${reason})`, { details: { reason, scope } });
}

export function managementRequestsOn(sql: Sql): ManagementRequestsRepository {
  return {
    async find(id) {
      const { rows } = await sql.query<SignedRequestColumns>('SELECT id, scope, ops, at FROM signed_requests WHERE id = $1', [id]);
      return rows[0] && signedRequestOf(rows[0]);
    },
    async scope(name) {
      const { rows } = await sql.query<{ scope: string; generation: number; last: string }>('SELECT scope, generation, last FROM change_scopes WHERE scope = $1', [name]);
      return rows[0];
    },
    async record(request, last, expected) {
      return sql.atomic(async (tx) => {
        const moved =
          expected === 0
            ? await tx.query('INSERT INTO change_scopes (scope, generation, last) VALUES ($1, 1, $2) ON CONFLICT (scope) DO NOTHING', [request.scope, last])
            : await tx.query('UPDATE change_scopes SET generation = generation + 1, last = $2 WHERE scope = $1 AND generation = $3', [request.scope, last, expected]);
        if (moved.rowCount !== 1) throw conflict('generation', request.scope);
        const put = await tx.query(
          `INSERT INTO signed_requests (id, scope, ops, at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET ops = excluded.ops, at = excluded.at WHERE signed_requests.scope = excluded.scope`,
          [request.id, request.scope, JSON.stringify(request.ops), request.at],
        );
        if (put.rowCount !== 1) throw conflict('scope', request.scope);
        return expected + 1;
      });
    },
  };
}
