/**
 * Arithmetic in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11b).
 * Multiplication is done bit by bit with masks instead of log/exp tables: table lookups
 * indexed by secret bytes leak through the cache, a fixed sequence of shifts and masks does not.
 */

/** a * b in GF(2^8); both operands are bytes. */
export function gfMul(a: number, b: number): number {
  let product = 0;
  for (let i = 0; i < 8; i++) {
    product ^= -(b & 1) & a;
    const carry = -((a >> 7) & 1);
    a = ((a << 1) ^ (carry & 0x1b)) & 0xff;
    b >>= 1;
  }
  return product & 0xff;
}

/** The multiplicative inverse of a (a^254); 0 maps to 0. Same operations for every input. */
export function gfInv(a: number): number {
  // a^254 = a^2 * a^4 * a^8 * ... * a^128: square seven times, multiplying each square in.
  let result = 1;
  let square = a;
  for (let i = 1; i < 8; i++) {
    square = gfMul(square, square);
    result = gfMul(result, square);
  }
  return result;
}
