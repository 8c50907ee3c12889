/**
 * Parser for the MarbleRun subset of Go text/template (see ast.ts), following Go's lexer for
 * delimiters, trim markers ("{{- " and " -}}") and comments. Constructs outside the subset
 * (if/range/with, variables, numbers, printf and the other builtins) are refused rather than
 * half-supported; `index` is kept so secrets whose names are not identifiers stay reachable.
 */
import { TemplateError, type Command, type Operand, type ParseFailure, type Pipeline, type TemplateNode, type TemplateTarget } from './ast.js';

/** Functions allowed in each target, as MarbleRun's ManifestFileTemplateFuncMap / ManifestEnvTemplateFuncMap. */
const TEMPLATE_FUNCTIONS: Readonly<Record<TemplateTarget, readonly string[]>> = {
  file: ['pem', 'hex', 'raw', 'base64', 'index'],
  env: ['pem', 'hex', 'string', 'base64', 'index'],
};

const GO_KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false']);
const GO_BUILTINS = new Set(['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne']);
const SPACE = ' \t\r\n';

const isSpace = (c: string | undefined): boolean => c !== undefined && c !== '' && SPACE.includes(c);
const isIdentChar = (c: string | undefined): boolean => c !== undefined && (/[A-Za-z0-9_]/.test(c) || c.charCodeAt(0) >= 0x80);

type Token =
  | { t: 'field'; name: string; adjacent: boolean }
  | { t: 'dot' }
  | { t: 'string'; value: string }
  | { t: 'ident'; name: string }
  | { t: '|' | '(' | ')' }
  | { t: 'space' };

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

/** UTF-8 bytes of a code point, as a binary string. */
function utf8Binary(cp: number): string {
  return Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1');
}

class Lexer {
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

  quoted(): string {
    const { src } = this;
    let out = '';
    for (let i = this.i + 1; ; ) {
      const c = src[i];
      if (c === undefined || c === '\n') this.fail('unterminated quoted string');
      if (c === '"') {
        this.i = i + 1;
        return out;
      }
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = src[i + 1];
      if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        i += 2;
      } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(src.slice(i + 2, i + 4))) {
        out += String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16));
        i += 4;
      } else if (e !== undefined && /[0-7]/.test(e) && /^[0-7]{3}$/.test(src.slice(i + 1, i + 4)) && parseInt(src.slice(i + 1, i + 4), 8) < 256) {
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
    for (;;) {
      const delim = this.atRightDelim();
      if (delim) return { tokens, end: delim.end, trim: delim.trim };
      const c = src[this.i];
      if (c === undefined) this.fail('unclosed action');
      if (isSpace(c)) {
        while (isSpace(src[this.i]) && !this.atRightDelim()) this.i++;
        tokens.push({ t: 'space' });
      } else if (c === '|' || c === '(' || c === ')') {
        tokens.push({ t: c });
        this.i++;
      } else if (c === '"') {
        tokens.push({ t: 'string', value: this.quoted() });
      } else if (c === '`') {
        const close = src.indexOf('`', this.i + 1);
        if (close < 0) this.fail('unterminated raw quoted string');
        tokens.push({ t: 'string', value: src.slice(this.i + 1, close) });
        this.i = close + 1;
      } else if (c === '.') {
        // Go chains a field onto whatever term it touches (no space between).
        const prev = tokens[tokens.length - 1];
        const adjacent = prev !== undefined && prev.t !== 'space' && prev.t !== '|' && prev.t !== '(';
        let j = this.i + 1;
        while (isIdentChar(src[j])) j++;
        if (j === this.i + 1) {
          if (/[0-9]/.test(src[j] ?? '')) this.fail('numbers are not supported in manifest templates', 'unsupported');
          tokens.push({ t: 'dot' });
        } else {
          tokens.push({ t: 'field', name: src.slice(this.i + 1, j), adjacent });
        }
        this.i = j;
      } else if (isIdentChar(c) && !/[0-9]/.test(c)) {
        let j = this.i;
        while (isIdentChar(src[j])) j++;
        tokens.push({ t: 'ident', name: src.slice(this.i, j) });
        this.i = j;
      } else if (c === '$') {
        this.fail('variables are not supported in manifest templates', 'unsupported');
      } else if (/[0-9+-]/.test(c)) {
        this.fail('numbers are not supported in manifest templates', 'unsupported');
      } else {
        this.fail(`unexpected ${JSON.stringify(c)} in action`);
      }
    }
  }
}

/** Deepest parenthesis nesting in one action: parsing and execution recurse once per level. */
export const MAX_TEMPLATE_NESTING = 32;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly target: TemplateTarget,
    private readonly line: number,
  ) {}

  private fail(message: string, failure: ParseFailure = 'syntax'): never {
    throw new TemplateError('invalid', message, this.line, failure);
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private skipSpace(): void {
    while (this.peek()?.t === 'space') this.i++;
  }

  private noChain(term: string): void {
    const next = this.peek();
    if (next?.t === 'field' && next.adjacent) this.fail(`unexpected . after term ${term}`);
  }

  /** Field names that follow a term with no space between. */
  private chain(): string[] {
    const path: string[] = [];
    for (let tok = this.peek(); tok?.t === 'field' && tok.adjacent; tok = this.peek()) {
      path.push(tok.name);
      this.i++;
    }
    return path;
  }

  private operand(): Operand | undefined {
    const tok = this.peek();
    if (!tok) return undefined;
    switch (tok.t) {
      case 'field': {
        this.i++;
        return { kind: 'field', path: [tok.name, ...this.chain()] };
      }
      case 'dot':
        this.i++;
        this.noChain('.');
        return { kind: 'dot' };
      case 'string':
        this.i++;
        this.noChain(JSON.stringify(tok.value));
        return { kind: 'string', value: tok.value };
      case 'ident': {
        this.i++;
        const name = tok.name;
        if (GO_KEYWORDS.has(name)) this.fail(`"${name}" is not supported in manifest templates`, 'unsupported');
        if (!TEMPLATE_FUNCTIONS[this.target].includes(name)) {
          if (GO_BUILTINS.has(name)) this.fail(`function "${name}" is not supported in manifest templates`, 'unsupported');
          const elsewhere = name === 'raw' || name === 'string';
          const hint = elsewhere ? ` (${name} is only allowed in ${name === 'raw' ? 'Files' : 'Env'})` : '';
          this.fail(`function "${name}" not defined${hint}`, elsewhere ? 'function-not-allowed' : 'function-unknown');
        }
        this.noChain(name); // Go would call it without arguments, which no template function takes
        return { kind: 'function', name };
      }
      case '(': {
        this.i++;
        if (++this.depth > MAX_TEMPLATE_NESTING) this.fail(`parentheses nested deeper than the limit template.maxNesting (${MAX_TEMPLATE_NESTING})`);
        const pipeline = this.pipeline(')');
        this.depth--;
        this.i++; // ')'
        return { kind: 'paren', pipeline, path: this.chain() };
      }
      default:
        return undefined;
    }
  }

  pipeline(close?: ')'): Pipeline {
    const pipeline: Pipeline = [];
    for (;;) {
      const command: Command = [];
      for (;;) {
        this.skipSpace();
        const op = this.operand();
        if (!op) break;
        command.push(op);
        // Go needs a space, a pipe or the end between operands: `hex(...)` is a syntax error.
        const after = this.peek();
        if (after && after.t !== 'space' && after.t !== '|' && after.t !== ')') this.fail(`unexpected ${after.t} in operand`);
      }
      if (command.length === 0) this.fail('missing value for command');
      pipeline.push(command);
      const tok = this.peek();
      if (tok?.t === '|') {
        this.i++;
        continue;
      }
      if (close) {
        if (tok?.t !== ')') this.fail('unclosed left paren');
      } else if (tok) {
        this.fail(tok.t === ')' ? 'unexpected right paren' : `unexpected ${tok.t} in command`);
      }
      return pipeline;
    }
  }
}

/**
 * The 1-based line of an offset in `src`. The offsets where lines start are found once and
 * searched in halves, so a template's actions cost O(n + actions * log lines) in all: counting
 * the newlines before each action again made a large template quadratic.
 */
function lineNumbers(src: string): (at: number) => number {
  const starts = [0];
  for (let nl = src.indexOf('\n'); nl >= 0; nl = src.indexOf('\n', nl + 1)) starts.push(nl + 1);
  return (at) => {
    // The last line start at or before `at`.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Parses a template (a binary string) for a Files or Env entry. Throws TemplateError. */
export function parseTemplate(src: string, target: TemplateTarget): TemplateNode[] {
  const nodes: TemplateNode[] = [];
  let pos = 0;
  let trimNext = false;
  const lineAt = lineNumbers(src);
  for (;;) {
    const open = src.indexOf('{{', pos);
    let text = src.slice(pos, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    let i = open + 2;
    const trimLeft = open >= 0 && src[i] === '-' && isSpace(src[i + 1]);
    if (trimLeft) {
      text = text.replace(/[ \t\r\n]+$/, '');
      i += 2;
    }
    if (text) nodes.push({ kind: 'text', text });
    if (open < 0) return nodes;
    const line = lineAt(open);
    if (src.startsWith('/*', i)) {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) throw new TemplateError('invalid', 'unclosed comment', line);
      const lexer = new Lexer(src, close + 2, () => line);
      const delim = lexer.atRightDelim();
      if (!delim) throw new TemplateError('invalid', 'comment ends before closing delimiter', line);
      pos = delim.end;
      trimNext = delim.trim;
      continue;
    }
    const { tokens, end, trim } = new Lexer(src, i, () => line).action();
    nodes.push({ kind: 'action', pipeline: new Parser(tokens, target, line).pipeline(), line });
    pos = end;
    trimNext = trim;
  }
}
