/**
 * ECDSA over a digest the caller computed (FIPS 186-4 section 6.4). node:crypto signs messages
 * only. Signing takes k·G from node's ECDH (native, so signing runs at node's speed) and does
 * the scalar arithmetic mod n in BigInt; verification does the whole point arithmetic in BigInt
 * (Jacobian coordinates), slower but only the verify operation uses it. Signatures are r || s,
 * each the curve's field size, as JWS (and Key Vault) encode them.
 * BigInt arithmetic is not constant-time, so the scalar arithmetic is blinded (see signEcdsa):
 * the timing it leaks depends on random values, not on the nonce or the private scalar.
 */
import { createECDH, randomBytes } from 'node:crypto';
import type { Curve } from '../model/key-types.js';
import { CURVE_PARAMS, type CurveParams } from './curves.js';

const toBig = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b).toString('hex')));

function toBytes(v: bigint, size: number): Buffer {
  return Buffer.from(v.toString(16).padStart(size * 2, '0'), 'hex');
}

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

/** The digest as an integer: its leftmost bits, as many as n has (FIPS 186-4 6.4). */
function digestInt(c: CurveParams, digest: Uint8Array): bigint {
  const nBits = c.n.toString(2).length;
  const z = toBig(digest);
  const excess = digest.length * 8 - nBits;
  return excess > 0 ? z >> BigInt(excess) : z;
}

/** A uniform scalar in [1, n-1]: rejection sampling over the bit length of n. */
function randomScalar(c: CurveParams): bigint {
  const bits = c.n.toString(2).length;
  const bytes = Math.ceil(bits / 8);
  const top = BigInt(bytes * 8 - bits);
  for (;;) {
    const k = toBig(randomBytes(bytes)) >> top;
    if (k > 0n && k < c.n) return k;
  }
}

export function signEcdsa(curve: Curve, d: Uint8Array, digest: Uint8Array): Buffer {
  const c = CURVE_PARAMS[curve];
  const z = digestInt(c, digest);
  const dInt = toBig(d);
  const ecdh = createECDH(c.nodeName);
  for (;;) {
    const k = randomScalar(c);
    ecdh.setPrivateKey(toBytes(k, c.size));
    // Uncompressed point 04 || x || y; r is x mod n.
    const r = mod(toBig(ecdh.getPublicKey().subarray(1, 1 + c.size)), c.n);
    if (r === 0n) continue;
    // Blinded by a fresh random b: the extended-Euclid inverse, whose running time depends on
    // its input, sees only k·b (uniform, independent of k), and the private scalar enters the
    // products only as d·b, so neither the nonce nor d shapes the timing beyond limb counts.
    // s = (k·b)⁻¹ · (b·z + r·(d·b)) = k⁻¹ · (z + r·d) mod n.
    const b = randomScalar(c);
    const kbInverse = inverse(mod(k * b, c.n), c.n);
    const s = mod(kbInverse * mod(b * z + r * mod(dInt * b, c.n), c.n), c.n);
    if (s === 0n) continue;
    return Buffer.concat([toBytes(r, c.size), toBytes(s, c.size)]);
  }
}

type Jacobian = [bigint, bigint, bigint];

function double(c: CurveParams, [x, y, z]: Jacobian): Jacobian {
  if (y === 0n || z === 0n) return [0n, 1n, 0n];
  const p = c.p;
  const yy = mod(y * y, p);
  const s = mod(4n * x * yy, p);
  const zz = mod(z * z, p);
  // a = -3: M = 3(X - Z²)(X + Z²)
  const m = mod(3n * (x - zz) * (x + zz), p);
  const x3 = mod(m * m - 2n * s, p);
  const y3 = mod(m * (s - x3) - 8n * yy * yy, p);
  const z3 = mod(2n * y * z, p);
  return [x3, y3, z3];
}

function add(c: CurveParams, a: Jacobian, b: Jacobian): Jacobian {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const p = c.p;
  const z1z1 = mod(a[2] * a[2], p);
  const z2z2 = mod(b[2] * b[2], p);
  const u1 = mod(a[0] * z2z2, p);
  const u2 = mod(b[0] * z1z1, p);
  const s1 = mod(a[1] * b[2] * z2z2, p);
  const s2 = mod(b[1] * a[2] * z1z1, p);
  if (u1 === u2) return s1 === s2 ? double(c, a) : [0n, 1n, 0n];
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const hh = mod(h * h, p);
  const hhh = mod(h * hh, p);
  const x3 = mod(r * r - hhh - 2n * u1 * hh, p);
  const y3 = mod(r * (u1 * hh - x3) - s1 * hhh, p);
  const z3 = mod(h * a[2] * b[2], p);
  return [x3, y3, z3];
}

function onCurve(c: CurveParams, x: bigint, y: bigint): boolean {
  return x < c.p && y < c.p && mod(y * y - (x * x * x - 3n * x + c.b), c.p) === 0n;
}

export function verifyEcdsa(curve: Curve, x: Uint8Array, y: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
  const c = CURVE_PARAMS[curve];
  if (signature.length !== 2 * c.size) return false;
  const r = toBig(signature.subarray(0, c.size));
  const s = toBig(signature.subarray(c.size));
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const qx = toBig(x);
  const qy = toBig(y);
  if (!onCurve(c, qx, qy)) return false;
  const w = inverse(s, c.n);
  const u1 = mod(digestInt(c, digest) * w, c.n);
  const u2 = mod(r * w, c.n);
  // Shamir's trick: one pass over the bits of u1 and u2.
  const g: Jacobian = [c.gx, c.gy, 1n];
  const q: Jacobian = [qx, qy, 1n];
  const gq = add(c, g, q);
  let acc: Jacobian = [0n, 1n, 0n];
  for (let i = Math.max(u1.toString(2).length, u2.toString(2).length) - 1; i >= 0; i--) {
    acc = double(c, acc);
    const b1 = (u1 >> BigInt(i)) & 1n;
    const b2 = (u2 >> BigInt(i)) & 1n;
    if (b1 && b2) acc = add(c, acc, gq);
    else if (b1) acc = add(c, acc, g);
    else if (b2) acc = add(c, acc, q);
  }
  if (acc[2] === 0n) return false;
  const zInv = inverse(acc[2], c.p);
  const ax = mod(acc[0] * zInv * zInv, c.p);
  return mod(ax, c.n) === r;
}
