/**
 * Rough strength checks for operator secrets, so production refuses the obviously weak ones (a
 * short or repetitive bearer token, an all-zero or patterned seal key). They cannot prove a secret
 * random; they catch the mistakes: a password, a placeholder, `000…`, `abab…`.
 */

/** Bits a static bearer token must carry at least: 32 bytes. */
const MIN_TOKEN_BITS = 256;

function alphabetBits(text: string): number {
  if (/^[0-9a-fA-F]+$/.test(text)) return 4;
  if (/^[A-Za-z0-9+/_=-]+$/.test(text)) return 6;
  return Math.log2(95);
}

/** Shannon entropy per character of the text's own character frequencies. */
function observedBitsPerChar(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/**
 * Why a static token is too weak, or undefined. It must be long enough for 256 bits in the
 * smallest alphabet it fits (64 hex characters, 43 base64 characters), and its characters must be
 * spread like random ones (a repeated or patterned token is refused).
 */
export function weakTokenReason(token: string): string | undefined {
  const perChar = alphabetBits(token);
  if (token.length * perChar < MIN_TOKEN_BITS) {
    return `the static token holds at most ${Math.floor(token.length * perChar)} bits; production needs 32 random bytes (for example \`openssl rand -hex 32\`)`;
  }
  // Random hex shows about 3.7 bits per character over 64 characters; a pattern far less.
  if (observedBitsPerChar(token) < 0.75 * Math.min(perChar, Math.log2(token.length))) {
    return 'the static token repeats a few characters; production needs 32 random bytes (for example `openssl rand -hex 32`)';
  }
  return undefined;
}

/** Why a 32-byte seal key is too weak, or undefined: all one byte, few distinct bytes, or a counting pattern. */
export function weakKeyReason(key: Uint8Array): string | undefined {
  const distinct = new Set(key).size;
  let step = true;
  for (let i = 2; i < key.length; i++) if ((key[i]! - key[i - 1]! + 256) % 256 !== (key[1]! - key[0]! + 256) % 256) step = false;
  // 32 random bytes have about 30 distinct values; fewer than 16 happens with probability below 2^-60.
  if (distinct < 16 || step) return `the seal key has ${distinct} distinct byte values${step ? ' in a counting pattern' : ''}; generate it with \`openssl rand -base64 32\``;
  return undefined;
}
