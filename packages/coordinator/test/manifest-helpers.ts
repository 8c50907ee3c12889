/** Shared helpers of the manifest tests: fixtures and compact violation lists. */
import { readFileSync } from 'node:fs';
import type { Violation } from '../src/manifest/index.js';

const dir = new URL('../../test/fixtures/manifests/', import.meta.url);

/** A fixture file's text. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, dir), 'utf8');
}

/** Decoded JSON that tests change freely; any is the honest type for that. */
export type LooseJson = Record<string, any>;

/** A fixture parsed as plain JSON, for mutation. */
export function fixtureJson(name: string): LooseJson {
  return JSON.parse(fixtureText(name)) as LooseJson;
}

/** `rule@path` of each violation, in order. */
export function ids(violations: readonly Violation[]): string[] {
  return violations.map((v) => `${v.rule}@${v.path}`);
}
