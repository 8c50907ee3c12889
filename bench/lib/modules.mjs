/**
 * Loads the implementations under test without letting one missing piece stop the benchmark:
 * each loader returns the module, or the reason it cannot be used.
 */
import { readFileSync } from 'node:fs';
import { describeError } from './harness.mjs';

/** Our packages, as built by `npm run build`: { ev, core } or { reason }. */
export async function loadOurs(...needed) {
  try {
    const [ev, core] = await Promise.all([import('@confide/evidence'), import('@confide/core')]);
    const absent = needed.filter((name) => typeof ev[name] !== 'function' && typeof ev[name] !== 'object');
    if (absent.length > 0) return { reason: `@confide/evidence does not export ${absent.join(', ')}` };
    return { ev, core };
  } catch (err) {
    return { reason: `cannot load @confide/evidence (run npm run build): ${describeError(err)}` };
  }
}

/** The version field of an installed package, or undefined. */
export function installedVersion(name) {
  try {
    return JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** A module of an installed package by its path inside the package (for internals its exports map hides). */
export async function importInternal(name, path) {
  return import(new URL(`../../node_modules/${name}/${path}`, import.meta.url).href);
}
