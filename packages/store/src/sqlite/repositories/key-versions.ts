/**
 * Key versions: a version is added only while its name is not soft-deleted, and a deleted name's
 * versions are hidden, both decided inside the statements (NOT EXISTS on deleted_keys).
 */
import { StoreError } from '../../errors.js';
import type { KeyVersionsRepository } from '../../port.js';
import { KEY_VERSION_COLUMNS as COLUMNS, LIVE_KEY as LIVE, keyVersionOf as toRow, type KeyVersionColumns as Row } from '../../records.js';
import { pageOf } from '../../columns.js';
import type { Db } from './db.js';



export function keyVersionsOn(db: Db): KeyVersionsRepository {
  const insert = db.prepare(
    `INSERT INTO key_versions (name, version, meta, sealed_material, revision)
     SELECT @name, @version, @meta, @sealedMaterial, 1 WHERE NOT EXISTS (SELECT 1 FROM deleted_keys WHERE name = @name)
     ON CONFLICT (name, version) DO NOTHING`,
  );
  const isDeleted = db.prepare<[string], { n: number }>('SELECT 1 AS n FROM deleted_keys WHERE name = ?');
  const get = db.prepare<[string, string], Row>(`SELECT ${COLUMNS} FROM key_versions k WHERE k.name = ? AND k.version = ? AND ${LIVE}`);
  const latest = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM key_versions k WHERE k.name = ? AND ${LIVE} ORDER BY k.seq DESC LIMIT 1`);
  const update = db.prepare(`UPDATE key_versions AS k SET meta = @meta, revision = revision + 1 WHERE k.name = @name AND k.version = @version AND k.revision = @expected AND ${LIVE}`);
  const listLatest = db.prepare<[string, number], Row>(
    `SELECT ${COLUMNS} FROM key_versions k WHERE k.seq = (SELECT MAX(seq) FROM key_versions WHERE name = k.name) AND ${LIVE} AND k.name > ?
     ORDER BY k.name LIMIT ?`,
  );
  const listVersions = db.prepare<[string, number, number], Row>(`SELECT ${COLUMNS} FROM key_versions k WHERE k.name = ? AND ${LIVE} AND k.seq > ? ORDER BY k.seq LIMIT ?`);
  const all = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM key_versions k WHERE k.name = ? ORDER BY k.seq`);
  return {
    async insert(row) {
      if (insert.run({ name: row.name, version: row.version, meta: row.meta, sealedMaterial: row.sealedMaterial }).changes === 1) return 'inserted';
      return isDeleted.get(row.name) ? 'deleted' : 'exists';
    },
    async get(name, version) {
      const r = get.get(name, version);
      return r && toRow(r);
    },
    async latest(name) {
      const r = latest.get(name);
      return r && toRow(r);
    },
    async update(name, version, meta, expectedRevision) {
      if (update.run({ name, version, meta, expected: expectedRevision }).changes !== 1) {
        throw new StoreError('ERR_STORE_CONFLICT', `key ${name}/${version} is not live at revision ${expectedRevision}`, { details: { reason: 'revision', expectedRevision } });
      }
      return expectedRevision + 1;
    },
    async listLatest(limit, after) {
      return pageOf(listLatest.all(after ?? '', limit + 1), limit, toRow, (r) => r.name);
    },
    async listVersions(name, limit, after) {
      const from = after === undefined ? 0 : Number.parseInt(after, 10);
      return pageOf(listVersions.all(name, Number.isSafeInteger(from) ? from : 0, limit + 1), limit, toRow, (r) => String(r.seq));
    },
    async allVersions(name) {
      return all.all(name).map(toRow);
    },
  };
}
