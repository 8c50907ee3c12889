/**
 * CPU time of a PostgreSQL server on this machine, from Linux /proc: its postmaster (found by the
 * port on its command line, as test-kit's throw-away cluster starts it), every child (backends,
 * background workers) and the children that exited (the postmaster's cutime and cstime, counted
 * once it reaped them: without them a worker that exits between two readings, an autovacuum
 * worker for one, takes its CPU out of the sum). For CPU per operation beside the client's own: a
 * store round trip costs the server CPU that process.cpuUsage() does not see. Undefined where
 * /proc or the server is absent.
 */
import { readdirSync, readFileSync } from 'node:fs';

// /proc/<pid>/stat fields after the ") ": ppid is the 2nd, utime and stime the 12th and 13th.
const PPID = 1;
const UTIME = 11;
const STIME = 12;
const CUTIME = 13;
const CSTIME = 14;
const TICKS_PER_SECOND = 100;

function processes() {
  const out = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const ticks = (i) => Number(fields[i]);
      out.push({ pid: Number(pid), ppid: ticks(PPID), ms: ((ticks(UTIME) + ticks(STIME)) * 1000) / TICKS_PER_SECOND, exitedMs: ((ticks(CUTIME) + ticks(CSTIME)) * 1000) / TICKS_PER_SECOND });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function postmasterOf(port) {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('/postgres') && argv.includes('-p') && argv[argv.indexOf('-p') + 1] === String(port)) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Milliseconds of CPU the server on `port` has used so far, or undefined. */
export function postgresServerCpuMs(port) {
  try {
    const master = postmasterOf(port);
    if (master === undefined) return undefined;
    return processes()
      .filter((p) => p.pid === master || p.ppid === master)
      .reduce((sum, p) => sum + p.ms + (p.pid === master ? p.exitedMs : 0), 0);
  } catch {
    return undefined;
  }
}
