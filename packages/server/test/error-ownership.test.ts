/**
 * Each package owns the codes it raises: no code is declared twice, every package's table is in
 * the server's composition (so it has an HTTP status and a row in docs/errors.md), and every code
 * the sources name is declared somewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUDIT_ERROR_CODES, AuditError } from '@confide/audit';
import { COORDINATOR_ERROR_CODES, CoordinatorError } from '@confide/coordinator';
import { CORE_ERROR_CODES, CoreError } from '@confide/core';
import { EVIDENCE_ERROR_CODES, EvidenceError } from '@confide/evidence';
import { KEYVAULT_ERROR_CODES, KeyVaultError } from '@confide/keyvault';
import { LAUNCHER_ERROR_CODES, LauncherError } from '@confide/launcher';
import { LEDGER_ERROR_CODES, LedgerError } from '@confide/ledger';
import { POLICY_ERROR_CODES, PolicyError } from '@confide/policy';
import { STORE_ERROR_CODES, StoreError } from '@confide/store';
import { httpStatusOf, KNOWN_ERROR_CODES, PACKAGE_ERROR_TABLES, SERVER_ERROR_CODES, ServerError } from '../src/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const PACKAGES = join(ROOT, 'packages');

/** Codes the sources name that are not Confide's: Node's TLS codes, compared against socket errors. */
const NOT_OURS = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_PIN_MISMATCH']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

const SOURCES = readdirSync(PACKAGES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((e) => {
    try {
      return sourceFiles(join(PACKAGES, e.name, 'src'));
    } catch {
      return [];
    }
  });

test('no code is declared by two packages, and each table is one package\'s', () => {
  const owners = new Map<string, string>();
  for (const table of PACKAGE_ERROR_TABLES) {
    const tableOwners = new Set(Object.values(table).map((e) => e.owner));
    assert.equal(tableOwners.size, 1, `one owner per table: ${[...tableOwners].join(', ')}`);
    for (const [code, entry] of Object.entries(table)) {
      assert.equal(owners.get(code), undefined, `${code} is declared by ${owners.get(code)} and ${entry.owner}`);
      owners.set(code, entry.owner);
    }
  }
  assert.equal(owners.size, Object.keys(KNOWN_ERROR_CODES).length);
  assert.deepEqual(
    PACKAGE_ERROR_TABLES.map((t) => Object.values(t)[0]!.owner),
    ['core', 'evidence', 'policy', 'store', 'audit', 'ledger', 'keyvault', 'coordinator', 'launcher', 'server'],
  );
  // The tables the packages export are the ones composed (not copies).
  for (const t of [CORE_ERROR_CODES, EVIDENCE_ERROR_CODES, POLICY_ERROR_CODES, STORE_ERROR_CODES, AUDIT_ERROR_CODES, LEDGER_ERROR_CODES, KEYVAULT_ERROR_CODES, COORDINATOR_ERROR_CODES, LAUNCHER_ERROR_CODES, SERVER_ERROR_CODES]) {
    assert.ok((PACKAGE_ERROR_TABLES as readonly object[]).includes(t));
  }
});

test('every table declared in the sources is composed by the server', () => {
  const declared = SOURCES.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/defineErrorCodes\('([\w-]+)'/g)].map((m) => `${m[1]} (${relative(ROOT, file)})`));
  const composed = new Set(PACKAGE_ERROR_TABLES.map((t) => Object.values(t)[0]!.owner));
  assert.equal(declared.length, composed.size, declared.join(', '));
  for (const d of declared) assert.ok(composed.has(d.split(' ')[0]!), `${d} is not in PACKAGE_ERROR_TABLES`);
});

test('every code the sources name (raised, compared or documented) is declared by some package', () => {
  let seen = 0;
  for (const file of SOURCES) {
    for (const [code] of readFileSync(file, 'utf8').matchAll(/\bERR_[A-Z0-9_]*[A-Z0-9]\b/g)) {
      seen++;
      assert.ok(Object.hasOwn(KNOWN_ERROR_CODES, code) || NOT_OURS.has(code), `${relative(ROOT, file)} names ${code}, which no package declares`);
    }
  }
  assert.ok(seen > 300, `${seen} mentions checked`);
});

test('each package\'s error class carries the expose and summary of the declaring table, whichever package raises it', () => {
  assert.equal(new EvidenceError('ERR_EVIDENCE_MALFORMED', 'x').summary, EVIDENCE_ERROR_CODES.ERR_EVIDENCE_MALFORMED.summary);
  assert.equal(new StoreError('ERR_STORE_MIGRATION_FAILED', 'x').expose, false);
  assert.equal(new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', 'x').expose, false);
  assert.equal(new CoordinatorError('ERR_STORE_CONFLICT', 'x').summary, STORE_ERROR_CODES.ERR_STORE_CONFLICT.summary);
  assert.equal(new LauncherError('ERR_EVIDENCE_UNSUPPORTED', 'x').expose, true);
  assert.equal(new PolicyError('ERR_LIMIT_EXCEEDED', 'x').summary, CORE_ERROR_CODES.ERR_LIMIT_EXCEEDED.summary);
  assert.equal(new AuditError('ERR_INTERNAL', 'x').expose, false);
  assert.equal(new LedgerError('ERR_INPUT_UNREADABLE', 'x').summary, CORE_ERROR_CODES.ERR_INPUT_UNREADABLE.summary);
  assert.equal(new CoreError('ERR_USAGE', 'x').expose, true);
  assert.equal(new KeyVaultError('ERR_KEY_MATERIAL_UNREADABLE', 'x').expose, false);
  for (const [code, entry] of Object.entries(KNOWN_ERROR_CODES)) {
    const err = new ServerError(code as keyof typeof KNOWN_ERROR_CODES, 'the message');
    assert.equal(err.expose, entry.expose, code);
    assert.equal(err.summary, entry.summary, code);
    assert.equal(err.owner, entry.owner, code);
    assert.ok(httpStatusOf(err.code) >= 400, code);
  }
});
