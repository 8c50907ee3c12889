/** Waits in tests that adapt to how loaded the machine is. */
import { availableParallelism, loadavg } from 'node:os';

/**
 * A time budget scaled by load: `base` on an idle machine, times the run queue per core when
 * it is busier (2 cores shared by parallel test runs start a server in 3 s one minute and 40 s
 * the next), at most 10 × base. A process that dies is reported at once, whatever the budget.
 */
export function loadScaled(base: number): number {
  const perCore = loadavg()[0]! / availableParallelism();
  return Math.round(base * Math.min(10, Math.max(1, perCore)));
}

/** The one-minute load average, for messages that explain a timeout. */
export function loadAverage(): string {
  return loadavg()[0]!.toFixed(2);
}
