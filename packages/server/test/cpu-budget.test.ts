/**
 * cpuBudget (compose/cpu-budget.ts): the cores the process may keep busy, its CPUs capped by a
 * cgroup CPU quota (v2 `cpu.max`, v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`), on fake cgroup
 * trees; and the real machine's answer is a whole number between 1 and its CPUs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { cgroupCpuQuota, cpuBudget, type ReadText } from '../src/compose/cpu-budget.js';

/** A reader over `files` (path → text); any other path is unreadable. */
const fs = (files: Record<string, string>): ReadText => (path) => files[path];

test('cgroup v2: the smallest quota on the cgroup and those above it, rounded up; "max" is none', () => {
  const read = fs({
    '/proc/self/cgroup': '0::/kubepods.slice/pod1/ctr\n',
    '/sys/fs/cgroup/kubepods.slice/pod1/ctr/cpu.max': 'max 100000\n',
    '/sys/fs/cgroup/kubepods.slice/pod1/cpu.max': '150000 100000\n',
    '/sys/fs/cgroup/kubepods.slice/cpu.max': '800000 100000\n',
  });
  assert.equal(cgroupCpuQuota(read), 2, '1.5 cores is 2');
  assert.equal(cpuBudget(read, 16), 2);
  assert.equal(cpuBudget(read, 1), 1, 'never more than the CPUs');
  assert.equal(cpuBudget(fs({ '/proc/self/cgroup': '0::/a\n', '/sys/fs/cgroup/a/cpu.max': '50000 100000' }), 8), 1, 'half a core is one');
});

test('cgroup v2 in a container with its own cgroup namespace ("0::/"): the root file is the container\'s', () => {
  const read = fs({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '100000 100000\n' });
  assert.equal(cpuBudget(read, 64), 1);
});

test('cgroup v1: the cpu controller\'s quota and period (-1: none), its mount named as /proc/self/cgroup lists the controllers', () => {
  const read = fs({
    '/proc/self/cgroup': '12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n',
    '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '300000\n',
    '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
    '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
    '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
  });
  assert.equal(cgroupCpuQuota(read), 3);
  assert.equal(cpuBudget(read, 8), 3);
});

test('no quota, or one that cannot be read or makes no sense: the CPUs', () => {
  assert.equal(cpuBudget(fs({}), 6), 6, 'no /proc/self/cgroup');
  assert.equal(cpuBudget(fs({ '/proc/self/cgroup': '0::/a\n', '/sys/fs/cgroup/a/cpu.max': 'max 100000' }), 6), 6);
  assert.equal(cpuBudget(fs({ '/proc/self/cgroup': '0::/a\n', '/sys/fs/cgroup/a/cpu.max': 'lots 100000' }), 6), 6);
  assert.equal(cpuBudget(fs({ '/proc/self/cgroup': '0::/a\n', '/sys/fs/cgroup/a/cpu.max': '0 100000' }), 6), 6);
  assert.equal(cpuBudget(fs({ '/proc/self/cgroup': '1:cpu:/\n', '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' }), 6), 6);
});

test('this machine: a whole number of cores from 1 to its CPUs', () => {
  const cores = cpuBudget();
  assert.ok(Number.isInteger(cores) && cores >= 1 && cores <= availableParallelism(), String(cores));
});
