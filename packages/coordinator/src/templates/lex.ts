/**
 * The lexer of one action, after Go's text/template/parse lexer: delimiters with trim markers
 * ("{{- " and " -}}"), quoted and raw strings with Go's escapes, numbers, fields, variables,
 * `:=`, `=`, `,`, pipes and parentheses. Strings stay binary strings (one char per byte).
 */
import { TemplateError, type ParseFailure } from './ast.js';

export type Token =
  | { t: 'field'; name: string; adjacent: boolean }
  | { t: 'dot'; adjacent: boolean }
  | { t: 'variable'; name: string }
  | { t: 'string'; value: string }
  | { t: 'number'; text: string }
  | { t: 'ident'; name: string }
  | { t: '|' | '(' | ')' | ',' | ':=' | '=' }
  | { t: 'space' };

const SPACE = ' \t\r\n';
export const isSpace = (c: string | undefined): boolean => c !== undefined && c !== '' && SPACE.includes(c);
const isIdentChar = (c: string | undefined): boolean => c !== undefined && (/[A-Za-z0-9_]/.test(c) || c.charCodeAt(0) >= 0x80);

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** UTF-8 bytes of a code point, as a binary string. */
function utf8Binary(cp: number): string {
  return Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1');
}

/** Go number syntax (text/template/parse lexNumber, then strconv): decimal, 0x, 0o, 0b, floats, underscores. */
const NUMBER = /^[+-]?(?:0[xX][0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?\d+)?|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/;

export class Lexer {
  i: number;
  constructor(
    readonly src: string,
    start: number,
    readonly line: () => number,
  ) {
    this.i = start;
  }

  fail(message: string, failure: ParseFailure = 'syntax'): never {
    throw new TemplateError('invalid', message, this.line(), failure);
  }

  /** At "}}" or " -}}": returns the index after the delimiter and whether it trims. */
  atRightDelim(): { end: number; trim: boolean } | undefined {
    const { src, i } = this;
    if (isSpace(src[i]) && src[i + 1] === '-' && src.startsWith('}}', i + 2)) return { end: i + 4, trim: true };
    if (src.startsWith('}}', i)) return { end: i + 2, trim: false };
    return undefined;
  }

  /** A quoted string or char constant closed by `quote`, with Go's escapes; returns the binary string. */
  quoted(quote: '"' | "'"): string {
    const { src } = this;
    let out = '';
    for (let i = this.i + 1; ; ) {
      const c = src[i];
      if (c === undefined || c === '\n') this.fail(quote === '"' ? 'unterminated quoted string' : 'unterminated character constant');
      if (c === quote) {
        this.i = i + 1;
        return out;
      }
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = src[i + 1];
      if (e !== undefined && e in ESCAPES && (e !== "'" || quote === "'") && (e !== '"' || quote === '"')) {
        out += ESCAPES[e];
        i += 2;
      } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(src.slice(i + 2, i + 4))) {
        out += String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16));
        i += 4;
      } else if (e !== undefined && /^[0-7]{3}$/.test(src.slice(i + 1, i + 4)) && parseInt(src.slice(i + 1, i + 4), 8) < 256) {
        out += String.fromCharCode(parseInt(src.slice(i + 1, i + 4), 8));
        i += 4;
      } else if ((e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) || (e === 'U' && /^[0-9a-fA-F]{8}$/.test(src.slice(i + 2, i + 10)))) {
        const n = e === 'u' ? 4 : 8;
        const cp = parseInt(src.slice(i + 2, i + 2 + n), 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) this.fail('invalid Unicode escape in quoted string');
        out += utf8Binary(cp);
        i += 2 + n;
      } else {
        this.fail('invalid escape in quoted string');
      }
    }
  }

  /** Tokens up to the right delimiter. */
  action(): { tokens: Token[]; end: number; trim: boolean } {
    const tokens: Token[] = [];
    const { src } = this;
    const adjacent = (): boolean => {
      const prev = tokens[tokens.length - 1];
      return prev !== undefined && prev.t !== 'space' && prev.t !== '|' && prev.t !== '(' && prev.t !== ',' && prev.t !== ':=' && prev.t !== '=';
    };
    for (;;) {
      const delim = this.atRightDelim();
      if (delim) return { tokens, end: delim.end, trim: delim.trim };
      const c = src[this.i];
      if (c === undefined) this.fail('unclosed action');
      if (isSpace(c)) {
        while (isSpace(src[this.i]) && !this.atRightDelim()) this.i++;
        tokens.push({ t: 'space' });
      } else if (c === '|' || c === '(' || c === ')' || c === ',') {
        tokens.push({ t: c });
        this.i++;
      } else if (c === ':' && src[this.i + 1] === '=') {
        tokens.push({ t: ':=' });
        this.i += 2;
      } else if (c === '=') {
        tokens.push({ t: '=' });
        this.i++;
      } else if (c === '"') {
        tokens.push({ t: 'string', value: this.quoted('"') });
      } else if (c === "'") {
        const start = this.i;
        const value = Buffer.from(this.quoted("'"), 'latin1').toString('utf8');
        if ([...value].length !== 1) this.fail(`malformed character constant: ${src.slice(start, this.i)}`);
        tokens.push({ t: 'number', text: String(value.codePointAt(0)) });
      } else if (c === '`') {
        const close = src.indexOf('`', this.i + 1);
        if (close < 0) this.fail('unterminated raw quoted string');
        tokens.push({ t: 'string', value: src.slice(this.i + 1, close) });
        this.i = close + 1;
      } else if (c === '$') {
        let j = this.i + 1;
        while (isIdentChar(src[j])) j++;
        tokens.push({ t: 'variable', name: src.slice(this.i, j) });
        this.i = j;
      } else if (c === '.' && !/[0-9]/.test(src[this.i + 1] ?? '')) {
        // Go chains a field onto whatever term it touches (no space between).
        const touching = adjacent();
        let j = this.i + 1;
        while (isIdentChar(src[j])) j++;
        if (j === this.i + 1) tokens.push({ t: 'dot', adjacent: touching });
        else tokens.push({ t: 'field', name: src.slice(this.i + 1, j), adjacent: touching });
        this.i = j;
      } else if (/[0-9+\-.]/.test(c)) {
        const m = NUMBER.exec(src.slice(this.i));
        if (!m || isIdentChar(src[this.i + m[0].length])) this.fail(`bad number syntax: ${JSON.stringify(src.slice(this.i, this.i + (m?.[0].length ?? 0) + 1))}`);
        tokens.push({ t: 'number', text: m[0] });
        this.i += m[0].length;
      } else if (isIdentChar(c)) {
        let j = this.i;
        while (isIdentChar(src[j])) j++;
        tokens.push({ t: 'ident', name: src.slice(this.i, j) });
        this.i = j;
      } else {
        this.fail(`unexpected ${JSON.stringify(c)} in action`);
      }
    }
  }
}
