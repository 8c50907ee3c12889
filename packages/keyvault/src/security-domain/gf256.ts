/**
 * Arithmetic in GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1 (0x11b), by log/exp tables over
 * the generator 3. Tables make multiplication constant in the number of steps; the lookups are
 * data-dependent memory accesses, acceptable here because the field work runs once per download
 * or upload, not per request an attacker can time.
 */
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    // x *= 3: x*2 (reduced by 0x11b) xor x.
    const doubled = (x << 1) ^ (x & 0x80 ? 0x11b : 0);
    x = doubled ^ x;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}

/** a / b; b must not be 0. */
export function gfDiv(a: number, b: number): number {
  if (b === 0) throw new RangeError('division by zero in GF(256)');
  if (a === 0) return 0;
  return EXP[LOG[a]! + 255 - LOG[b]!]!;
}
