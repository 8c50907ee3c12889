/**
 * Values that are ready now or later: one formula serves synchronous hashes (node:crypto, no
 * promise per step, which is what lets a Node writer keep up) and WebCrypto's async ones.
 */
export type Maybe<T> = T | Promise<T>;

/** `f(v)` now when `v` is ready, else once it is. */
export function then<T, U>(v: Maybe<T>, f: (value: T) => Maybe<U>): Maybe<U> {
  return v instanceof Promise ? v.then(f) : f(v);
}

/** All of `values`, now when every one is ready. */
export function all<T>(values: readonly Maybe<T>[]): Maybe<T[]> {
  return values.some((v) => v instanceof Promise) ? Promise.all(values) : (values as T[]);
}
