/** CPU time per operation of this whole process (every thread: the main one and libuv's pool), load-independent unlike a rate. */

/** Milliseconds of process CPU per run of `op`, over `ops` runs with `inFlight` at a time. */
export async function cpuPerOp(op, { ops = 256, inFlight = 16 } = {}) {
  const before = process.cpuUsage();
  for (let done = 0; done < ops; done += inFlight) await Promise.all(Array.from({ length: inFlight }, op));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / ops;
}
