/**
 * Bounds on caller-controlled input: every recursive parser and walker checks its input against a
 * named limit first, so a deep or huge input is a 400 naming the limit, never a stack overflow.
 */
import { CoreError } from './errors/index.js';

/** Deepest JSON nesting accepted anywhere a caller's JSON is parsed and walked (runtime data, manifests, policy JSON). */
export const MAX_JSON_DEPTH = 64;

/** ERR_LIMIT_EXCEEDED naming the limit and its value. */
export function limitExceeded(limit: string, max: number, what: string): CoreError {
  return new CoreError('ERR_LIMIT_EXCEEDED', `${what} exceeds the limit ${limit} (${max})`, { details: { limit, max } });
}

/** Nesting depth of a parsed JSON value, counted without recursion; stops counting past `max`. */
export function jsonDepth(value: unknown, max = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) stack.push([child, level]);
  }
  return deepest;
}

/** Throws ERR_LIMIT_EXCEEDED (`limit`) when a parsed JSON value nests deeper than `max`. */
export function assertJsonDepth(value: unknown, limit: string, what: string, max = MAX_JSON_DEPTH): void {
  if (jsonDepth(value, max) > max) throw limitExceeded(limit, max, what);
}
