/**
 * Go's text/template builtins (text/template/funcs.go) over the template values: and, or, not,
 * len, index, slice, print, printf, println, html, js, urlquery and the comparisons. `printf`
 * follows fmt for the verbs manifests use (%s %v %d %x %X %q %t %c %%, flags, width, precision).
 * Results are binary strings.
 */
import { TemplateError } from './ast.js';
import type { Value } from './values.js';

const binary = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

function invalid(message: string, line: number): TemplateError {
  return new TemplateError('invalid', message, line);
}

/** The bytes of a value that is a byte slice (a secret part or a certificate's Raw). */
function bytesOf(v: Value): Uint8Array | undefined {
  return v.k === 'public' || v.k === 'private' || v.k === 'bytes' ? (v.bytes ?? new Uint8Array(0)) : undefined;
}

/** Go's template truth (text/template IsTrue): zero values are false, structs true. */
export function truth(v: Value): boolean {
  switch (v.k) {
    case 'nil':
      return false;
    case 'bool':
      return v.b;
    case 'int':
    case 'float':
      return v.n !== 0;
    case 'string':
      return v.text.length > 0;
    case 'map':
      return v.entries.size > 0;
    case 'public':
    case 'private':
    case 'bytes':
      return (v.bytes?.length ?? 0) > 0;
    default:
      return true;
  }
}

/** fmt's %v of a value, where Go's output means something; secrets, certificates and maps are refused (Go would dump their fields). */
export function printValue(v: Value, line: number): string {
  switch (v.k) {
    case 'string':
      return v.text;
    case 'int':
      return String(v.n);
    case 'float':
      return formatFloat(v.n);
    case 'bool':
      return String(v.b);
    case 'nil':
      return '<no value>';
    case 'public':
    case 'private':
    case 'bytes':
      return `[${[...(v.bytes ?? [])].join(' ')}]`;
    default:
      throw invalid(`${v.desc} must go through an encoding function (pem, hex, base64, raw or string)`, line);
  }
}

/** Go's %v of a float64 (strconv 'g' with the shortest representation, exponent from 21 digits). */
function formatFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function numberOf(v: Value, line: number, fn: string): number {
  if (v.k === 'int' || v.k === 'float') return v.n;
  throw invalid(`${fn}: ${v.desc} is not a number`, line);
}

/** fmt.Sprintf for the verbs manifests use. */
export function sprintf(format: string, args: Value[], line: number): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/.exec(format.slice(i + 1));
    if (!m) {
      out += '%!(NOVERB)';
      break;
    }
    i += m[0].length;
    const [, flags, widthText, precText, verb] = m as unknown as [string, string, string | undefined, string | undefined, string];
    if (verb === '%') {
      out += '%';
      continue;
    }
    const arg = args[next++];
    if (arg === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    let text = formatVerb(verb, arg, flags, precText === undefined ? undefined : Number(precText), line);
    const width = widthText === undefined ? 0 : Number(widthText);
    if (text.length < width) {
      const pad = width - text.length;
      if (flags.includes('-')) text += ' '.repeat(pad);
      else if (flags.includes('0') && /[dxXfeg]/.test(verb)) text = text.startsWith('-') ? '-' + '0'.repeat(pad) + text.slice(1) : '0'.repeat(pad) + text;
      else text = ' '.repeat(pad) + text;
    }
    out += text;
  }
  if (next < args.length) out += `%!(EXTRA ${args.slice(next).map((a) => printValue(a, line)).join(', ')})`;
  return out;
}

function hexOf(text: string, upper: boolean): string {
  const hex = Buffer.from(text, 'latin1').toString('hex');
  return upper ? hex.toUpperCase() : hex;
}

function formatVerb(verb: string, arg: Value, flags: string, precision: number | undefined, line: number): string {
  const bytes = bytesOf(arg);
  switch (verb) {
    case 'v':
      return printValue(arg, line);
    case 's': {
      const s = bytes ? binary(bytes) : arg.k === 'string' ? arg.text : printValue(arg, line);
      return precision === undefined ? s : s.slice(0, precision);
    }
    case 'q':
      return JSON.stringify(bytes ? binary(bytes) : arg.k === 'string' ? arg.text : printValue(arg, line));
    case 'x':
    case 'X': {
      const upper = verb === 'X';
      if (arg.k === 'int') return (arg.n < 0 ? '-' : '') + (flags.includes('#') ? (upper ? '0X' : '0x') : '') + (upper ? Math.abs(arg.n).toString(16).toUpperCase() : Math.abs(arg.n).toString(16));
      if (bytes) return hexOf(binary(bytes), upper);
      if (arg.k === 'string') return hexOf(arg.text, upper);
      return `%!${verb}(${printValue(arg, line)})`;
    }
    case 'd':
      if (arg.k === 'int') return (flags.includes('+') && arg.n >= 0 ? '+' : '') + String(arg.n);
      if (bytes) return `[${[...bytes].join(' ')}]`;
      return `%!d(${printValue(arg, line)})`;
    case 't':
      return arg.k === 'bool' ? String(arg.b) : `%!t(${printValue(arg, line)})`;
    case 'c':
      return arg.k === 'int' ? Buffer.from(String.fromCodePoint(arg.n), 'utf8').toString('latin1') : `%!c(${printValue(arg, line)})`;
    case 'f':
      return arg.k === 'float' || arg.k === 'int' ? arg.n.toFixed(precision ?? 6) : `%!f(${printValue(arg, line)})`;
    default:
      return `%!${verb}(${printValue(arg, line)})`;
  }
}

/** fmt.Sprint: spaces between operands when neither is a string. */
function sprint(args: Value[], line: number): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && a.k !== 'string' && args[i - 1]!.k !== 'string') out += ' ';
    out += printValue(a, line);
  });
  return out;
}

type Comparable = { kind: 'number' | 'string' | 'bool'; v: number | string | boolean };

function comparable(v: Value, fn: string, line: number): Comparable {
  if (v.k === 'int' || v.k === 'float') return { kind: 'number', v: v.n };
  if (v.k === 'string') return { kind: 'string', v: v.text };
  if (v.k === 'bool') return { kind: 'bool', v: v.b };
  throw invalid(`${fn}: incompatible type for comparison: ${v.desc}`, line);
}

function compare(fn: string, a: Value, b: Value, line: number): number {
  const x = comparable(a, fn, line);
  const y = comparable(b, fn, line);
  if (x.kind !== y.kind) throw invalid(`${fn}: incompatible types for comparison`, line);
  if (x.kind === 'bool' && fn !== 'eq' && fn !== 'ne') throw invalid(`${fn}: invalid type for comparison`, line);
  return x.v === y.v ? 0 : x.v < y.v ? -1 : 1;
}

const HTML: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' };

/** Go's builtins; undefined when `name` is not one. Throws TemplateError. */
export function callBuiltin(name: string, args: Value[], line: number): Value | undefined {
  const str = (text: string): Value => ({ k: 'string', text, desc: `(${name})` });
  const bool = (b: boolean): Value => ({ k: 'bool', b, desc: `(${name})` });
  const want = (n: number): void => {
    if (args.length !== n) throw invalid(`wrong number of args for ${name}: want ${n} got ${args.length}`, line);
  };
  switch (name) {
    case 'and':
    case 'or': {
      if (args.length === 0) throw invalid(`wrong number of args for ${name}: want at least 1 got 0`, line);
      for (const a of args.slice(0, -1)) if (truth(a) === (name === 'or')) return a;
      return args[args.length - 1]!;
    }
    case 'not':
      want(1);
      return bool(!truth(args[0]!));
    case 'len': {
      want(1);
      const v = args[0]!;
      const bytes = bytesOf(v);
      if (bytes) return { k: 'int', n: bytes.length, desc: '(len)' };
      if (v.k === 'string') return { k: 'int', n: v.text.length, desc: '(len)' };
      if (v.k === 'map') return { k: 'int', n: v.entries.size, desc: '(len)' };
      throw invalid(`len of ${v.desc}: not a string, byte slice or map`, line);
    }
    case 'slice': {
      if (args.length < 1 || args.length > 4) throw invalid(`wrong number of args for slice: want 1 to 4 got ${args.length}`, line);
      const v = args[0]!;
      const text = v.k === 'string' ? v.text : bytesOf(v) ? binary(bytesOf(v)!) : undefined;
      if (text === undefined) throw invalid(`can't slice item of type ${v.desc}`, line);
      const [lo, hi] = [args[1] ? numberOf(args[1], line, 'slice') : 0, args[2] ? numberOf(args[2], line, 'slice') : text.length];
      if (lo < 0 || hi > text.length || lo > hi) throw invalid(`slice: index out of range: ${lo}:${hi}`, line);
      const part = text.slice(lo, hi);
      return v.k === 'string' ? str(part) : { k: 'bytes', bytes: Uint8Array.from(part, (c) => c.charCodeAt(0)), desc: `(slice ${v.desc})` };
    }
    case 'print':
      return str(sprint(args, line));
    case 'println':
      return str(args.map((a) => printValue(a, line)).join(' ') + '\n');
    case 'printf': {
      if (args.length === 0 || args[0]!.k !== 'string') throw invalid('printf: the first argument must be a format string', line);
      return str(sprintf((args[0] as { text: string }).text, args.slice(1), line));
    }
    case 'html':
      return str(sprint(args, line).replace(/[<>&'"\0]/g, (c) => HTML[c]!));
    case 'js':
      return str(sprint(args, line).replace(/[\\'"<>&=\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === "'" ? "\\'" : c === '"' ? '\\"' : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)));
    case 'urlquery':
      return str(Buffer.from(encodeURIComponent(Buffer.from(sprint(args, line), 'latin1').toString('utf8')).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`), 'utf8').toString('latin1'));
    case 'eq': {
      if (args.length < 2) throw invalid('wrong number of args for eq: want at least 2', line);
      return bool(args.slice(1).some((b) => compare('eq', args[0]!, b, line) === 0));
    }
    case 'ne':
      want(2);
      return bool(compare('ne', args[0]!, args[1]!, line) !== 0);
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      want(2);
      const c = compare(name, args[0]!, args[1]!, line);
      return bool(name === 'lt' ? c < 0 : name === 'le' ? c <= 0 : name === 'gt' ? c > 0 : c >= 0);
    }
    default:
      return undefined;
  }
}
