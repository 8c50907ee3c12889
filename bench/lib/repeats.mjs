/**
 * The columns every verifier benchmark builds the same way: ours with the number of signature
 * checks a repeated verification still makes (ours remembers what verified, by exact bytes),
 * the floor from a list of checks, and the note comparing the two counts.
 */
import { countVerifies, describeChecks, floorImpl } from './floor.mjs';
import { attempt, describeError, measureWork } from './harness.mjs';

/**
 * { impl, verifies }: ours running `op`, and the checks one more run of it makes as `count`
 * counts them (WebCrypto's by default; countAllVerifies for node:crypto's too); { impl: { reason } } when it fails.
 */
export async function oursCounted(op, count = countVerifies) {
  const first = await attempt(op);
  if (!first.ok) return { impl: { reason: first.reason } };
  return { impl: { op }, verifies: await count(op) };
}

/** { impl, count, kinds }: the floor of the checks `build()` lists; { impl: { reason } } when it throws or a check fails. */
export async function floorOf(build) {
  try {
    const checks = build();
    return { impl: await floorImpl(checks), count: checks.length, kinds: describeChecks(checks) };
  } catch (err) {
    return { impl: { reason: describeError(err) } };
  }
}

/**
 * What ours does per repeated verification against the floor's count. `repeats` holds
 * { work, verifies }; `remembered` names what ours remembers, `unit` what is repeated (quote,
 * report), `adds` says what a new platform or host would cost.
 */
export function repeatNote(repeats, floorCount, { remembered, unit, adds }) {
  if (repeats.length === 0) return 'ours: signature checks per verification not counted (ours did not run)';
  if (repeats.every((r) => r.verifies === floorCount)) return `ours makes all ${floorCount} signature checks on every verification`;
  const list = repeats.map((r) => `${r.work} ${r.verifies}`).join(', ');
  return `ours remembers ${remembered} that verified (by their exact bytes), so a repeated ${unit} makes fewer checks than the floor: ${list} per verification here; ${adds}`;
}

/**
 * Measures work items one after another and keeps what the notes need: `add(name, ours, floor,
 * peer)` takes the results of oursCounted and floorOf and a peer column; `floorNote` and
 * `repeatNote` then speak of every item measured.
 */
export function repeatTally() {
  const rows = [];
  const repeats = [];
  let floor;
  return {
    rows,
    async add(name, ours, floorColumn, peer) {
      if (floorColumn.kinds) floor = floorColumn;
      if (ours.verifies !== undefined) repeats.push({ work: name, verifies: ours.verifies });
      rows.push(...(await measureWork(name, { ours: ours.impl, peer, floor: floorColumn.impl })));
    },
    /** "floor: 10 × ECDSA P-256/SHA-256 <what>", or that it was not built. */
    floorNote: (what) => (floor ? `floor: ${floor.kinds} ${what}` : 'floor: not built'),
    repeatNote: (what) => repeatNote(repeats, floor?.count, what),
  };
}
