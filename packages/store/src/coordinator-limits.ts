/** A monotonic counter's value: 8 bytes (a big-endian uint64). Throws RangeError. */
export function checkCounterValue(value: Uint8Array): void {
  if (value.length !== 8) throw new RangeError(`a monotonic counter value is 8 bytes, got ${value.length}`);
}

/** The MaxActivations a repository call takes: a non-negative integer, 0 for no limit (and no counting). Throws RangeError. */
export function checkMax(maxActivations: number): void {
  if (!Number.isSafeInteger(maxActivations) || maxActivations < 0) throw new RangeError(`maxActivations must be a non-negative integer, got ${maxActivations}`);
}
