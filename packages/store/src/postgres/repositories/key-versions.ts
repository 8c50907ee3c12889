/**
 * Key versions: a version is added only while its name is not soft-deleted, and a deleted name's
 * versions are hidden, both decided inside the statements (NOT EXISTS on deleted_keys). Under
 * READ COMMITTED an insert racing a deletion lands only if it read the name live, which orders it
 * before the deletion (the deleted name keeps it, as a version added just before would be kept);
 * (name, version) is unique. A metadata update names the revision it replaces; the row lock
 * orders concurrent updaters and PostgreSQL re-checks the revision on the latest row.
 */
import { StoreError } from '../../errors.js';
import type { KeyVersionsRepository } from '../../port.js';
import { KEY_VERSION_COLUMNS as COLUMNS, LIVE_KEY as LIVE, keyVersionOf as toRow, type KeyVersionColumns as Row } from '../../records.js';
import { pageOf } from '../../columns.js';
import type { Sql } from '../sql.js';
import { int } from './rows.js';



export function keyVersionsOn(sql: Sql): KeyVersionsRepository {
  return {
    async insert(row) {
      const { rowCount } = await sql.query(
          `INSERT INTO key_versions (name, version, meta, sealed_material, revision)
           SELECT $1, $2, $3, $4, 1 WHERE NOT EXISTS (SELECT 1 FROM deleted_keys WHERE name = $1)
           ON CONFLICT (name, version) DO NOTHING`,
        [row.name, row.version, row.meta, row.sealedMaterial],
      );
      if (rowCount === 1) return 'inserted';
      const { rows } = await sql.query('SELECT 1 FROM deleted_keys WHERE name = $1', [row.name]);
      return rows.length > 0 ? 'deleted' : 'exists';
    },
    async get(name, version) {
      const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM key_versions k WHERE k.name = $1 AND k.version = $2 AND ${LIVE}`, [name, version]);
      return rows[0] && toRow(rows[0]);
    },
    async latest(name) {
      const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM key_versions k WHERE k.name = $1 AND ${LIVE} ORDER BY k.seq DESC LIMIT 1`, [name]);
      return rows[0] && toRow(rows[0]);
    },
    async update(name, version, meta, expectedRevision) {
      const { rowCount } = await sql.query(`UPDATE key_versions AS k SET meta = $1, revision = revision + 1 WHERE k.name = $2 AND k.version = $3 AND k.revision = $4 AND ${LIVE}`, [
        meta,
        name,
        version,
        expectedRevision,
      ]);
      if (rowCount !== 1) {
        throw new StoreError('ERR_STORE_CONFLICT', `key ${name}/${version} is not live at revision ${expectedRevision}`, { details: { reason: 'revision', expectedRevision } });
      }
      return expectedRevision + 1;
    },
    async listLatest(limit, after) {
      const { rows } = await sql.query<Row>(
        `SELECT ${COLUMNS} FROM key_versions k WHERE k.seq = (SELECT MAX(seq) FROM key_versions WHERE name = k.name) AND ${LIVE} AND k.name > $1
         ORDER BY k.name LIMIT $2`,
        [after ?? '', limit + 1],
      );
      return pageOf(rows, limit, toRow, (r) => r.name);
    },
    async listVersions(name, limit, after) {
      const from = after === undefined ? 0 : Number.parseInt(after, 10);
      const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM key_versions k WHERE k.name = $1 AND ${LIVE} AND k.seq > $2 ORDER BY k.seq LIMIT $3`, [
        name,
        Number.isSafeInteger(from) ? from : 0,
        limit + 1,
      ]);
      return pageOf(rows, limit, toRow, (r) => String(int(r.seq)));
    },
    async allVersions(name) {
      const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM key_versions k WHERE k.name = $1 ORDER BY k.seq`, [name]);
      return rows.map(toRow);
    },
  };
}
