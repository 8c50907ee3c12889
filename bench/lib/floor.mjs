/**
 * The floor of a verification: the raw signature checks it needs, with keys imported once and
 * issued all at once through the same WebCrypto. Each bench builds its list of checks from the
 * evidence and collateral itself (see lib/der.mjs), so the floor does not depend on what our
 * verifier chooses to check or to remember.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

const subtle = globalThis.crypto.subtle;

const P256 = { name: 'ECDSA', namedCurve: 'P-256' };
const P384 = { name: 'ECDSA', namedCurve: 'P-384' };

/** One ECDSA check: `key` a promise of an imported key, `signature` raw r||s. */
export function ecdsaCheck(label, key, hash, signature, data) {
  return { label, kind: `ECDSA ${key.curve}/${hash}`, key: key.key, algorithm: { name: 'ECDSA', hash }, signature, data };
}

/** One RSA-PSS check (the key's hash was fixed at import). */
export function pssCheck(label, key, saltLength, signature, data) {
  return { label, kind: `RSA-PSS/${key.hash}`, key: key.key, algorithm: { name: 'RSA-PSS', saltLength }, signature, data };
}

/** A P-256 key from a raw point (65 bytes, or 64 without the 0x04 prefix) or an SPKI. */
export function p256Key(bytes, format = 'raw') {
  const raw = format === 'raw' && bytes.length === 64 ? Uint8Array.of(4, ...bytes) : bytes;
  return { curve: 'P-256', key: subtle.importKey(format, raw, P256, false, ['verify']) };
}

/** A P-384 key from an SPKI. */
export function p384Key(spki) {
  return { curve: 'P-384', key: subtle.importKey('spki', spki, P384, false, ['verify']) };
}

/** An RSA-PSS key from an SPKI, for `hash`. */
export function pssKey(spki, hash) {
  return { hash, key: subtle.importKey('spki', spki, { name: 'RSA-PSS', hash }, false, ['verify']) };
}

/** "10 × ECDSA P-256/SHA-256": the checks summed up by kind. */
export function describeChecks(checks) {
  const counts = new Map();
  for (const c of checks) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} × ${k}`).join(' + ');
}

/**
 * The floor column: { op } issuing every check at once, or { reason } when a key does not import
 * or a check does not verify (a floor must never be fast by checking nothing).
 */
export async function floorImpl(checks) {
  let ready;
  try {
    ready = await Promise.all(checks.map(async (c) => ({ ...c, key: await c.key })));
  } catch (err) {
    return { reason: `a key does not import: ${err.message}` };
  }
  const op = async () => {
    const results = await Promise.all(ready.map((c) => subtle.verify(c.algorithm, c.key, c.signature, c.data)));
    const bad = results.indexOf(false);
    if (bad >= 0) throw new Error(`${ready[bad].label} does not verify`);
  };
  try {
    await op();
  } catch (err) {
    return { reason: err.message };
  }
  return { op };
}

/**
 * Runs `op` once while counting the crypto.subtle.verify calls it makes (ours remembers some
 * checks across verifications; the count says how many a repeated verification still makes).
 * Only call it with nothing else in flight: the hook is global while it lasts.
 */
export async function countVerifies(op) {
  const hadOwn = Object.hasOwn(subtle, 'verify');
  const original = subtle.verify;
  let count = 0;
  subtle.verify = function verify(...args) {
    count += 1;
    return original.apply(this, args);
  };
  try {
    await op();
    return count;
  } finally {
    if (hadOwn) subtle.verify = original;
    else delete subtle.verify;
  }
}

const nodeCrypto = createRequire(import.meta.url)('node:crypto');

/**
 * As countVerifies, counting node:crypto's verify() too: a server built in this process checks
 * ECDSA through it (its node:crypto primitives). The CommonJS export is wrapped and synced into
 * the ES module bindings while `op` runs, so an `import { verify } from 'node:crypto'` sees it.
 */
export async function countAllVerifies(op) {
  const original = nodeCrypto.verify;
  let count = 0;
  nodeCrypto.verify = function verify(...args) {
    count += 1;
    return original.apply(this, args);
  };
  syncBuiltinESMExports();
  try {
    const web = await countVerifies(op);
    return web + count;
  } finally {
    nodeCrypto.verify = original;
    syncBuiltinESMExports();
  }
}
