/**
 * How many cores this process may keep busy: the CPUs it may run on (os.availableParallelism, which
 * reads the affinity mask) and, under a cgroup CPU quota, that quota rounded up (150,000 µs per
 * 100,000 µs is 2). Kubernetes turns a pod's CPU limit into such a quota and leaves the affinity
 * whole, so availableParallelism alone counts the node's cores, not the pod's.
 *
 * The quota is read where the kernel keeps it for this process's cgroup and every cgroup above it
 * (the smallest counts): cgroup v2's `cpu.max` ("<quota> <period>", or "max <period>" for none)
 * under the unified hierarchy, else cgroup v1's `cpu.cfs_quota_us` and `cpu.cfs_period_us` (-1 for
 * none) under the cpu controller's. Anything unreadable or malformed is taken as no quota.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { posix } from 'node:path';

/** Reads a file as text, or undefined when it cannot be read. */
export type ReadText = (path: string) => string | undefined;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const CGROUP_ROOT = '/sys/fs/cgroup';

/** `path` and every cgroup above it, deepest first, ending with the root ("/"). */
function upwards(path: string): string[] {
  const out: string[] = [];
  for (let p = posix.normalize(path); ; p = posix.dirname(p)) {
    out.push(p);
    if (p === '/' || p === '.') return out;
  }
}

/** Cores a quota of `quota` per `period` gives (rounded up), or undefined for none or nonsense. */
function coresOf(quota: number, period: number): number | undefined {
  return Number.isFinite(quota) && Number.isFinite(period) && quota > 0 && period > 0 ? Math.ceil(quota / period) : undefined;
}

/** The smallest CPU quota, in whole cores, on this process's cgroups (v2, else v1); undefined when there is none. */
export function cgroupCpuQuota(read: ReadText = readText): number | undefined {
  const lines = (read('/proc/self/cgroup') ?? '').split('\n');
  const unified = lines.find((l) => l.startsWith('0::'))?.slice(3);
  const v1 = lines.map((l) => l.split(':')).find((f) => f.length >= 3 && f[1]!.split(',').includes('cpu'));
  let smallest: number | undefined;
  const note = (cores: number | undefined) => {
    if (cores !== undefined) smallest = Math.min(smallest ?? cores, cores);
  };
  if (unified !== undefined) {
    for (const dir of upwards(unified)) {
      const [quota, period] = (read(posix.join(CGROUP_ROOT, dir, 'cpu.max')) ?? '').trim().split(/\s+/);
      if (quota !== undefined && quota !== 'max') note(coresOf(Number(quota), Number(period)));
    }
  }
  if (smallest === undefined && v1) {
    const mount = posix.join(CGROUP_ROOT, v1[1]!);
    for (const dir of upwards(v1.slice(2).join(':'))) {
      note(coresOf(Number(read(posix.join(mount, dir, 'cpu.cfs_quota_us'))?.trim()), Number(read(posix.join(mount, dir, 'cpu.cfs_period_us'))?.trim())));
    }
  }
  return smallest;
}

/** The cores this process may keep busy: its CPUs, fewer under a cgroup CPU quota; at least 1. */
export function cpuBudget(read: ReadText = readText, cpus: number = availableParallelism()): number {
  const quota = cgroupCpuQuota(read);
  return Math.max(1, quota === undefined ? cpus : Math.min(cpus, quota));
}
