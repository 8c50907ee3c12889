/** Time is injected so that every check is reproducible at a pinned instant. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock stopped at `at`. */
export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) };
}
