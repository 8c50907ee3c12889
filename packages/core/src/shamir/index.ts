/** Shamir's secret sharing over GF(2^8): the constant-time field and the unchecked split / interpolation. */
export { gfMul, gfInv } from './gf256.js';
export { splitSecret, interpolateSecret, platformRandom, SHAMIR_MAX_SHARES, type ShamirShare } from './polynomial.js';
