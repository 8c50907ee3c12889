/** Repositories whose every call goes through one wrapper: SQLite's serial queue, a transaction's queue, a closed-store guard. */
import type { Repositories } from './port.js';

/** The same repositories with each method call run by `around` (which may queue it, or refuse it once the store is closed). */
export function aroundEach(repos: Repositories, around: <T>(call: () => Promise<T>) => Promise<T>): Repositories {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [repoName, repo] of Object.entries(repos)) {
    const wrapped: Record<string, unknown> = {};
    for (const [name, method] of Object.entries(repo as object) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
      wrapped[name] = (...args: unknown[]) => around(() => method(...args));
    }
    out[repoName] = wrapped;
  }
  return out as unknown as Repositories;
}
