/** A bounded memo of a pure function of a text (policy text -> parsed policy, policy hash). */
import { deepFreeze } from '@confide/core';

const DEFAULT_MAX = 32;

/**
 * `fn` remembered by its exact input text: a value is computed once per text and kept while it
 * is among the `max` most recently added. A throw or a rejected promise is not kept. Values are
 * shared by every caller, so they are frozen (objects and arrays, all the way down).
 */
export function memoByText<T>(fn: (text: string) => T, max = DEFAULT_MAX): (text: string) => T {
  const memo = new Map<string, T>();
  return (text) => {
    if (memo.has(text)) return memo.get(text)!;
    const value = deepFreeze(fn(text));
    if (memo.size >= max) memo.delete(memo.keys().next().value!);
    memo.set(text, value);
    if (value instanceof Promise) value.catch(() => memo.get(text) === value && memo.delete(text));
    return value;
  };
}
