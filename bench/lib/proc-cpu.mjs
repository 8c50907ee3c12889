/**
 * CPU time of a process's threads from Linux /proc, split into its main thread and the rest
 * (libuv's pool, where crypto.subtle and the callback forms of node:crypto run, plus V8's
 * helpers). Undefined elsewhere or when the process is gone.
 */
import { readdirSync, readFileSync } from 'node:fs';

// /proc/<pid>/stat fields after the ") ": utime and stime are fields 14 and 15 of the line.
const UTIME = 11;
const STIME = 12;
const TICKS_PER_SECOND = 100;

function threadMs(pid, tid) {
  const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[UTIME]) + Number(fields[STIME])) * 1000) / TICKS_PER_SECOND;
}

/** { mainMs, otherMs } of `pid` so far, or undefined. */
export function processCpu(pid) {
  try {
    let mainMs = 0;
    let otherMs = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const ms = threadMs(pid, tid);
      if (Number(tid) === pid) mainMs += ms;
      else otherMs += ms;
    }
    return { mainMs, otherMs };
  } catch {
    return undefined;
  }
}
