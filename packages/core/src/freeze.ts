/**
 * Freezes plain objects and arrays all the way down, so that a value a cache shares with every
 * later caller cannot be changed by one of them. Typed arrays and Maps are left as they are (they
 * cannot be frozen), and so is a Promise (a memo keeps the promise; what it resolves to is the
 * caller's).
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof Promise || ArrayBuffer.isView(value) || value instanceof Map || Object.isFrozen(value)) {
    return value;
  }
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
  return value;
}
