/**
 * The parser of Go's text/template as manifests use it (see ast.ts), after text/template/parse:
 * the same delimiters, trim markers, comments and control structures, and functions checked at
 * parse time as Go checks them: the target's MarbleRun functions (ManifestFileTemplateFuncMap,
 * ManifestEnvTemplateFuncMap) and Go's builtins.
 */
import { TemplateError, type Command, type Operand, type ParseFailure, type Pipeline, type TemplateNode, type TemplateTarget } from './ast.js';
import { isSpace, Lexer, type Token } from './lex.js';

/** MarbleRun's functions in each target (coordinator/manifest/manifest.go). */
export const MARBLERUN_FUNCTIONS: Readonly<Record<TemplateTarget, readonly string[]>> = {
  file: ['pem', 'hex', 'raw', 'base64'],
  env: ['pem', 'hex', 'string', 'base64'],
};

/** Go's builtins (text/template funcs.go) that a manifest can use; `call` needs function values, which manifests have none of. */
export const GO_BUILTINS: readonly string[] = ['and', 'or', 'not', 'len', 'index', 'slice', 'print', 'printf', 'println', 'html', 'js', 'urlquery', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];

/** Deepest nesting of parentheses and control structures: parsing and execution recurse once per level. */
export const MAX_TEMPLATE_NESTING = 32;

type Keyword = { kind: 'end' } | { kind: 'else'; chained?: 'if' | 'with'; pipeline?: Pipeline } | { kind: 'if' | 'with' | 'range'; pipeline: Pipeline } | { kind: 'break' | 'continue' };

class ActionParser {
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

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private skipSpace(): void {
    while (this.peek()?.t === 'space') this.i++;
  }

  private noChain(term: string): void {
    const next = this.peek();
    if ((next?.t === 'field' || next?.t === 'dot') && next.adjacent) this.fail(`unexpected . after term ${term}`);
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

  private number(text: string): Operand {
    const clean = text.replace(/_/g, '');
    const sign = clean.startsWith('-') ? -1 : 1;
    const body = clean.replace(/^[+-]/, '');
    let value: number;
    let float = false;
    if (/^0[xX]/.test(body) && !/[.pP]/.test(body)) value = parseInt(body.slice(2), 16);
    else if (/^0[oO]/.test(body)) value = parseInt(body.slice(2), 8);
    else if (/^0[bB]/.test(body)) value = parseInt(body.slice(2), 2);
    else if (/^0[0-7]+$/.test(body)) value = parseInt(body, 8);
    else if (/^\d+$/.test(body)) value = Number(body);
    else if (/^0[xX]/.test(body)) this.fail(`hexadecimal floats are not supported: ${text}`, 'unsupported');
    else {
      value = Number(body);
      float = true;
    }
    if (!Number.isFinite(value) || (!float && !Number.isSafeInteger(value))) this.fail(`number out of range: ${text}`);
    return { kind: 'number', value: sign * value, float, text };
  }

  private operand(): Operand | undefined {
    const tok = this.peek();
    if (!tok) return undefined;
    switch (tok.t) {
      case 'field':
        this.i++;
        return { kind: 'field', path: [tok.name, ...this.chain()] };
      case 'dot':
        this.i++;
        this.noChain('.');
        return { kind: 'dot' };
      case 'variable':
        this.i++;
        return { kind: 'variable', name: tok.name, path: this.chain() };
      case 'string':
        this.i++;
        this.noChain(JSON.stringify(tok.value));
        return { kind: 'string', value: tok.value };
      case 'number':
        this.i++;
        this.noChain(tok.text);
        return this.number(tok.text);
      case 'ident': {
        this.i++;
        const name = tok.name;
        this.noChain(name);
        if (name === 'true' || name === 'false') return { kind: 'bool', value: name === 'true' };
        if (name === 'nil') return { kind: 'nil' };
        if (['if', 'else', 'end', 'range', 'with', 'break', 'continue'].includes(name)) this.fail(`unexpected keyword ${name} in operand`);
        if (['define', 'template', 'block'].includes(name)) this.fail(`"${name}" is not supported in manifest templates (one template per entry)`, 'unsupported');
        if (name === 'call') this.fail('function "call" is not supported in manifest templates (no function values)', 'unsupported');
        if (!MARBLERUN_FUNCTIONS[this.target].includes(name) && !GO_BUILTINS.includes(name)) {
          const elsewhere = name === 'raw' || name === 'string';
          const hint = elsewhere ? ` (${name} is only allowed in ${name === 'raw' ? 'Files' : 'Env'})` : '';
          this.fail(`function "${name}" not defined${hint}`, elsewhere ? 'function-not-allowed' : 'function-unknown');
        }
        return { kind: 'function', name };
      }
      case '(': {
        this.i++;
        if (++this.depth > MAX_TEMPLATE_NESTING) this.fail(`parentheses nested deeper than the limit template.maxNesting (${MAX_TEMPLATE_NESTING})`);
        const pipeline = this.pipeline(')', false);
        this.depth--;
        this.i++; // ')'
        return { kind: 'paren', pipeline, path: this.chain() };
      }
      default:
        return undefined;
    }
  }

  /** `$x :=`, `$x =` or (range) `$k, $v :=` at the start of a pipeline. */
  private declarations(maxVars: number): { vars: string[]; assign: boolean } {
    const start = this.i;
    const vars: string[] = [];
    for (;;) {
      this.skipSpace();
      const tok = this.peek();
      if (tok?.t !== 'variable') break;
      this.i++;
      this.skipSpace();
      const next = this.peek();
      if (next?.t === ':=' || next?.t === '=') {
        vars.push(tok.name);
        this.i++;
        if (vars.length > maxVars) this.fail('too many declarations in command');
        if (next.t === '=' && vars.length > 1) this.fail('cannot assign to two variables at once');
        return { vars, assign: next.t === '=' };
      }
      if (next?.t === ',' && maxVars > 1) {
        vars.push(tok.name);
        this.i++;
        continue;
      }
      break;
    }
    if (vars.length > 0) this.fail('expected := after the range variables');
    this.i = start;
    return { vars: [], assign: false };
  }

  pipeline(close: ')' | undefined, declare: boolean, maxVars = 1): Pipeline {
    const decl = declare ? this.declarations(maxVars) : { vars: [], assign: false };
    const commands: Command[] = [];
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
      if (command[0]!.kind === 'nil') this.fail('nil is not a command');
      commands.push(command);
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
      return { commands, vars: decl.vars, assign: decl.assign };
    }
  }

  /** The action: a keyword of a control structure, or a pipeline to print. */
  action(): Keyword | Pipeline {
    this.skipSpace();
    const first = this.peek();
    if (first?.t === 'ident') {
      const name = first.name;
      if (name === 'end' || name === 'break' || name === 'continue') {
        this.i++;
        this.skipSpace();
        if (this.peek()) this.fail(`unexpected ${this.peek()!.t} in ${name}`);
        return { kind: name };
      }
      if (name === 'if' || name === 'with' || name === 'range') {
        this.i++;
        return { kind: name, pipeline: this.pipeline(undefined, true, name === 'range' ? 2 : 1) };
      }
      if (name === 'else') {
        this.i++;
        this.skipSpace();
        const next = this.peek();
        if (!next) return { kind: 'else' };
        if (next.t === 'ident' && (next.name === 'if' || next.name === 'with')) {
          this.i++;
          return { kind: 'else', chained: next.name, pipeline: this.pipeline(undefined, true) };
        }
        this.fail('expected end; found else followed by an operand');
      }
    }
    return this.pipeline(undefined, true);
  }
}

/**
 * The 1-based line of an offset in `src`. The offsets where lines start are found once and
 * searched in halves, so a template's actions cost O(n + actions * log lines) in all.
 */
function lineNumbers(src: string): (at: number) => number {
  const starts = [0];
  for (let nl = src.indexOf('\n'); nl >= 0; nl = src.indexOf('\n', nl + 1)) starts.push(nl + 1);
  return (at) => {
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

/** An open control structure: where its nodes go now, and whether it ends with its parent's {{end}} (else if / else with). */
interface Frame {
  node: Extract<TemplateNode, { kind: 'if' | 'with' | 'range' }>;
  into: TemplateNode[];
  inElse: boolean;
  chained: boolean;
}

/** Parses a template (a binary string) for a Files or Env entry. Throws TemplateError. */
export function parseTemplate(src: string, target: TemplateTarget): TemplateNode[] {
  const root: TemplateNode[] = [];
  const frames: Frame[] = [];
  const current = (): TemplateNode[] => frames[frames.length - 1]?.into ?? root;
  const inRange = (): boolean => frames.some((f) => f.node.kind === 'range' && !f.inElse);
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
    if (text) current().push({ kind: 'text', text });
    if (open < 0) break;
    const line = lineAt(open);
    if (src.startsWith('/*', i)) {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) throw new TemplateError('invalid', 'unclosed comment', line);
      const delim = new Lexer(src, close + 2, () => line).atRightDelim();
      if (!delim) throw new TemplateError('invalid', 'comment ends before closing delimiter', line);
      pos = delim.end;
      trimNext = delim.trim;
      continue;
    }
    const { tokens, end, trim } = new Lexer(src, i, () => line).action();
    pos = end;
    trimNext = trim;
    const parsed = new ActionParser(tokens, target, line).action();
    if ('commands' in parsed) {
      current().push({ kind: 'action', pipeline: parsed, line });
      continue;
    }
    const fail = (message: string): never => {
      throw new TemplateError('invalid', message, line);
    };
    switch (parsed.kind) {
      case 'if':
      case 'with':
      case 'range': {
        if (frames.length >= MAX_TEMPLATE_NESTING) fail(`control structures nested deeper than the limit template.maxNesting (${MAX_TEMPLATE_NESTING})`);
        const node: Frame['node'] = parsed.kind === 'range' ? { kind: 'range', pipeline: parsed.pipeline, body: [], otherwise: undefined, line } : { kind: parsed.kind, pipeline: parsed.pipeline, then: [], otherwise: undefined, line };
        current().push(node);
        frames.push({ node, into: node.kind === 'range' ? node.body : node.then, inElse: false, chained: false });
        break;
      }
      case 'else': {
        const frame = frames[frames.length - 1];
        if (!frame || frame.inElse) fail('unexpected {{else}}');
        frame!.inElse = true;
        frame!.node.otherwise = [];
        frame!.into = frame!.node.otherwise;
        // Go reads {{else if …}} and {{else with …}} as {{else}}{{if …}} closed by the same {{end}}, in any block.
        if (parsed.chained) {
          const node: Frame['node'] = { kind: parsed.chained, pipeline: parsed.pipeline!, then: [], otherwise: undefined, line };
          frame!.into.push(node);
          frames.push({ node, into: node.then, inElse: false, chained: true });
        }
        break;
      }
      case 'end': {
        if (frames.length === 0) fail('unexpected {{end}}');
        while (frames.pop()!.chained);
        break;
      }
      case 'break':
      case 'continue':
        if (!inRange()) fail(`{{${parsed.kind}}} outside {{range}}`);
        current().push({ kind: parsed.kind, line });
        break;
    }
  }
  if (frames.length > 0) throw new TemplateError('invalid', `unexpected EOF: {{${frames[frames.length - 1]!.node.kind}}} without {{end}}`, frames[frames.length - 1]!.node.line);
  return root;
}
