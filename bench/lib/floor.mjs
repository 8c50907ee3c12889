/**
 * The floor of a verification: the raw signature checks it cannot avoid, issued all at once
 * through the same WebCrypto with keys imported once. The checks are recorded from one run of
 * our verifier (every crypto.subtle.verify call it makes, with its algorithm, key and bytes),
 * so the floor checks exactly the same signatures over the same bytes; each bench states the
 * count it expects from reading the verifier, and the recorded list is compared with it.
 */

function copyBytes(source) {
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength));
  return new Uint8Array(source.slice(0));
}

/**
 * Runs `op` once while recording every crypto.subtle.verify call. Returns { value, calls }.
 * Only call it with nothing else in flight: the hook is global while it lasts.
 */
export async function recordVerifies(op) {
  const subtle = globalThis.crypto.subtle;
  const hadOwn = Object.hasOwn(subtle, 'verify');
  const original = subtle.verify;
  const calls = [];
  subtle.verify = function verify(algorithm, key, signature, data) {
    calls.push({ algorithm: { ...algorithm }, key, signature: copyBytes(signature), data: copyBytes(data) });
    return original.call(this, algorithm, key, signature, data);
  };
  try {
    const value = await op();
    return { value, calls };
  } finally {
    if (hadOwn) subtle.verify = original;
    else delete subtle.verify;
  }
}

/** "ECDSA P-256/SHA-256", "RSA-PSS 4096/SHA-384": what one recorded call verifies with. */
function kind(call) {
  const k = call.key.algorithm;
  const hash = call.algorithm.hash?.name ?? call.algorithm.hash ?? k.hash?.name ?? '?';
  const size = k.namedCurve ?? (k.modulusLength ? String(k.modulusLength) : '?');
  return `${call.algorithm.name} ${size}/${hash}`;
}

/** The recorded calls summed up by kind, e.g. "10 × ECDSA P-256/SHA-256". */
export function describeCalls(calls) {
  const counts = new Map();
  for (const c of calls) counts.set(kind(c), (counts.get(kind(c)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} × ${k}`).join(' + ');
}

/**
 * The floor operation over recorded calls: all of them issued concurrently. Rejects when one
 * does not verify, so a floor can never be faster by checking nothing.
 */
export function floorOp(calls) {
  const subtle = globalThis.crypto.subtle;
  return async () => {
    const results = await Promise.all(calls.map((c) => subtle.verify(c.algorithm, c.key, c.signature, c.data)));
    if (!results.every(Boolean)) throw new Error('a recorded signature check did not verify');
  };
}

/**
 * The floor column for a piece of work: { op } when `calls` holds exactly `expected` checks
 * that all verify, otherwise { reason }.
 */
export async function floorImpl(calls, expected) {
  if (calls.length !== expected) {
    return { reason: `our verifier issued ${calls.length} signature checks (${describeCalls(calls)}), the bench expects ${expected}: update the bench` };
  }
  const op = floorOp(calls);
  try {
    await op();
  } catch (err) {
    return { reason: err.message };
  }
  return { op };
}
