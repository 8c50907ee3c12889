import type { ConfideError } from '@confide/core';
import { PolicyError } from './errors.js';
import type { SourcePosition } from './types.js';

export type TokenKind =
  | 'identifier' | 'string' | 'integer' | 'decimal'
  | '==' | '!=' | '<' | '<=' | '>' | '>=' | '=' | '=>' | '&&' | '!'
  | '[' | ']' | '{' | '}' | '(' | ')' | ',' | ';' | ':' | '.' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Identifier name, unescaped string, or digits. */
  text: string;
  pos: SourcePosition;
}

/** Throws ERR_POLICY_SYNTAX at `pos`; details carry line and column for the caller to show. */
export function syntaxError(message: string, pos: SourcePosition): ConfideError {
  return new PolicyError('ERR_POLICY_SYNTAX', `${message} at line ${pos.line}, column ${pos.column}`, { details: { line: pos.line, column: pos.column } });
}

const PUNCTUATION: readonly TokenKind[] = ['==', '!=', '<=', '>=', '=>', '&&', '<', '>', '=', '!', '[', ']', '{', '}', '(', ')', ',', ';', ':', '.'];

/**
 * Splits policy text into tokens. Columns count UTF-16 code units from 1; `//` starts a
 * comment to the end of the line. Throws ERR_POLICY_SYNTAX.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): SourcePosition => ({ line, column: i - lineStart + 1 });

  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') { i++; line++; lineStart = i; continue; }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\uFEFF') { i++; continue; }
    if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const pos = here();
    if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      tokens.push({ kind: 'identifier', text: text.slice(i, j), pos });
      i = j;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < text.length && /[0-9]/.test(text[j]!)) j++;
      // Only the version header has a decimal point; a fraction elsewhere is rejected by the parser.
      if (text[j] === '.' && /[0-9]/.test(text[j + 1] ?? '')) {
        j++;
        while (j < text.length && /[0-9]/.test(text[j]!)) j++;
        tokens.push({ kind: 'decimal', text: text.slice(i, j), pos });
      } else {
        tokens.push({ kind: 'integer', text: text.slice(i, j), pos });
      }
      i = j;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let value = '';
      for (;;) {
        const c = text[j];
        if (c === undefined || c === '\n') throw syntaxError('Unterminated string', pos);
        if (c === '"') break;
        if (c === '\\') {
          const next = text[j + 1];
          // The documentation defines only \" and \\ inside policy strings.
          if (next !== '"' && next !== '\\') throw syntaxError('Unknown escape in string', { line, column: j - lineStart + 1 });
          value += next;
          j += 2;
          continue;
        }
        value += c;
        j++;
      }
      tokens.push({ kind: 'string', text: value, pos });
      i = j + 1;
      continue;
    }
    const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
    if (punct === undefined) throw syntaxError(`Unexpected character ${JSON.stringify(ch)}`, pos);
    tokens.push({ kind: punct, text: punct, pos });
    i += punct.length;
  }
  tokens.push({ kind: 'eof', text: '', pos: here() });
  return tokens;
}
