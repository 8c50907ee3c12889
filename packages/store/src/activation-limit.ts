/** The MaxActivations a repository call takes: a non-negative integer, 0 for no limit (and no counting). Throws RangeError. */
export function checkMax(maxActivations: number): void {
  if (!Number.isSafeInteger(maxActivations) || maxActivations < 0) throw new RangeError(`maxActivations must be a non-negative integer, got ${maxActivations}`);
}
