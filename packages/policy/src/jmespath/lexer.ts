import { assertJsonDepth } from '@confide/core';
import type { Json } from './ast.js';
import { jmespathError } from './errors.js';

export type TokenType =
  | 'UnquotedIdentifier' | 'QuotedIdentifier' | 'Literal' | 'Number'
  | '.' | '*' | '@' | '[' | ']' | '[?' | '[]' | '{' | '}' | '(' | ')' | ',' | ':'
  | '|' | '||' | '&' | '&&' | '!' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'EOF';

export interface Token {
  type: TokenType;
  value: string | number | Json;
  start: number;
}

const SIMPLE: Record<string, TokenType> = { '.': '.', '*': '*', '@': '@', ']': ']', '{': '{', '}': '}', '(': '(', ')': ')', ',': ',', ':': ':' };

/** Finds the index of the closing `quote` from `start` (the opening quote), honouring backslash escapes. */
function closing(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') { i += 2; continue; }
    if (text[i] === quote) return i;
    i++;
  }
  throw jmespathError(`unterminated ${quote} at ${start}`);
}

/** Splits a JMESPath query into tokens. Throws ERR_POLICY_EVALUATION_FAILED. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const start = i;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') { i++; continue; }
    if (/[A-Za-z_]/.test(ch)) {
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
      tokens.push({ type: 'UnquotedIdentifier', value: text.slice(start, i), start });
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      i++;
      while (i < text.length && /[0-9]/.test(text[i]!)) i++;
      tokens.push({ type: 'Number', value: Number(text.slice(start, i)), start });
      continue;
    }
    if (ch === '"') {
      const end = closing(text, i, '"');
      let name: unknown;
      try { name = JSON.parse(text.slice(i, end + 1)); } catch { throw jmespathError(`bad quoted identifier at ${start}`); }
      tokens.push({ type: 'QuotedIdentifier', value: name as string, start });
      i = end + 1;
      continue;
    }
    if (ch === "'") {
      const end = closing(text, i, "'");
      tokens.push({ type: 'Literal', value: text.slice(i + 1, end).replaceAll("\\'", "'"), start });
      i = end + 1;
      continue;
    }
    if (ch === '`') {
      const end = closing(text, i, '`');
      let value: Json;
      try { value = JSON.parse(text.slice(i + 1, end).replaceAll('\\`', '`')) as Json; } catch { throw jmespathError(`bad JSON literal at ${start}`); }
      assertJsonDepth(value, 'json.maxDepth', 'a JMESPath JSON literal');
      tokens.push({ type: 'Literal', value, start });
      i = end + 1;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '[?' || two === '[]' || two === '||' || two === '&&' || two === '==' || two === '!=' || two === '<=' || two === '>=') {
      tokens.push({ type: two, value: two, start });
      i += 2;
      continue;
    }
    const single = SIMPLE[ch] ?? (ch === '[' || ch === '|' || ch === '&' || ch === '!' || ch === '<' || ch === '>' ? (ch as TokenType) : undefined);
    if (single === undefined) throw jmespathError(`unexpected character ${JSON.stringify(ch)} at ${start}`);
    tokens.push({ type: single, value: ch, start });
    i++;
  }
  tokens.push({ type: 'EOF', value: '', start: text.length });
  return tokens;
}
