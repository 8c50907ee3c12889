/**
 * One serving process per SQLite database (sqlite/serving-claim.ts): a second process's claim
 * fails at once with a clear error; the claim goes with its process, kill -9 included; claims in
 * one process share the lock until the last is released.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { isConfideError } from '@confide/core';
import { claimSqliteDatabase } from '../src/index.js';

const claimModule = new URL('../src/index.js', import.meta.url).href;

/** A child process that claims `database`, says so on stdout, and then waits to be killed. */
async function claimingChild(database: string): Promise<{ kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', `const { claimSqliteDatabase } = await import(${JSON.stringify(claimModule)}); claimSqliteDatabase(${JSON.stringify(database)}); console.log('claimed'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout!, 'data');
  assert.equal(String(line).trim(), 'claimed');
  return {
    kill: async () => {
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

test('SQLite serving claim: another process holding it refuses this one; kill -9 frees it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-claim-'));
  const database = join(dir, 'confide.sqlite');
  writeFileSync(database, '');
  try {
    const other = await claimingChild(database);
    assert.throws(
      () => claimSqliteDatabase(database),
      (e) => isConfideError(e, 'ERR_STORE_UNAVAILABLE') && e.details?.['reason'] === 'in-use' && /in use by another confide serve process/.test(e.message),
    );
    await other.kill();
    const release = claimSqliteDatabase(database);
    release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SQLite serving claim: claims in one process share it; the lock goes with the last release', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-claim-'));
  const database = join(dir, 'confide.sqlite');
  writeFileSync(database, '');
  try {
    const first = claimSqliteDatabase(database);
    const second = claimSqliteDatabase(database);
    first();
    first(); // a second release of one claim changes nothing
    const child = spawn(process.execPath, ['--input-type=module', '-e', `const { claimSqliteDatabase } = await import(${JSON.stringify(claimModule)}); try { claimSqliteDatabase(${JSON.stringify(database)}); console.log('claimed'); } catch (e) { console.log(e.details?.reason ?? e.message); }`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [out] = await once(child.stdout!, 'data');
    assert.equal(String(out).trim(), 'in-use', 'still held by the second claim');
    await once(child, 'exit');
    second();
    const other = await claimingChild(database);
    await other.kill();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
