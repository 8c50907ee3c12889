/**
 * The template functions, with MarbleRun's semantics (manifest.EncodeSecretDataTo*): what each
 * accepts, what a secret without selector yields (its Public part), and when it fails.
 * Results are binary strings.
 */
import { pemEncode, toBase64, toHex } from '@confide/core';
import { TemplateError } from './ast.js';
import type { Value } from './values.js';
import { callBuiltin } from './builtins.js';
import { isCertificateEncoding, needsCertificate, type CertificateEncoding } from './pending-certificate.js';

const binary = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

function missing(v: Value, fn: string, line: number): TemplateError {
  return new TemplateError('invalid', `${fn} ${v.desc}: secret does not exist`, line);
}

function nonEmpty(bytes: Uint8Array | undefined, fn: string, v: Value, line: number): Uint8Array {
  if (!bytes || bytes.length === 0) throw new TemplateError('unset', `${fn} ${v.desc}: the value is empty (not set, or not part of this secret type)`, line);
  return bytes;
}

function raw(v: Value, line: number, fn = 'raw'): Uint8Array {
  switch (v.k) {
    case 'nil':
      throw missing(v, fn, line);
    case 'secret':
      return nonEmpty(v.v.Public, fn, v, line);
    case 'cert':
    case 'public':
    case 'private':
    case 'bytes':
      return nonEmpty(v.bytes, fn, v, line);
    default:
      throw new TemplateError('invalid', `${fn} ${v.desc}: invalid secret type`, line);
  }
}

const LABELS = { cert: 'CERTIFICATE', public: 'PUBLIC KEY', private: 'PRIVATE KEY' } as const;

function pem(v: Value, line: number): Uint8Array {
  if (v.k === 'nil') throw missing(v, 'pem', line);
  if (v.k !== 'cert' && v.k !== 'public' && v.k !== 'private') {
    throw new TemplateError('invalid', `pem ${v.desc}: invalid secret type for pem encoding (select .Cert, .Public or .Private)`, line);
  }
  return new TextEncoder().encode(pemEncode(LABELS[v.k], nonEmpty(v.bytes, 'pem', v, line)));
}

function text(v: Value, line: number): Uint8Array {
  if (v.k === 'nil') throw missing(v, 'string', line);
  if (v.k !== 'secret' || v.v.Type !== 'plain') {
    throw new TemplateError('invalid', `string ${v.desc}: only secrets of type plain may use string encoding`, line);
  }
  const bytes = raw(v, line, 'string');
  if (bytes.includes(0)) throw new TemplateError('nul', `string ${v.desc}: the secret contains NUL bytes`, line);
  return bytes;
}

/** Calls template function `name` on `args`: MarbleRun's encoders, `index`, or one of Go's builtins. Throws TemplateError. */
export function callFunction(name: string, args: Value[], line: number): Value {
  if (name === 'index') return index(args, line);
  if (!['pem', 'raw', 'hex', 'base64', 'string'].includes(name)) {
    const out = callBuiltin(name, args, line);
    if (out) return out;
  }
  if (args.length !== 1) throw new TemplateError('invalid', `wrong number of args for ${name}: want 1 got ${args.length}`, line);
  const v = args[0]!;
  // A pending certificate's encoding only prints (execute.ts); its text throws.
  if (v.k === 'cert' && v.pending && isCertificateEncoding(name)) {
    return { k: 'string', get text(): string { return needsCertificate(); }, placeholder: v.pending.placeholder(name), desc: `(${name} ${v.desc})` };
  }
  let out: Uint8Array | string;
  switch (name) {
    case 'pem':
      out = pem(v, line);
      break;
    case 'raw':
      out = raw(v, line);
      break;
    case 'hex':
      out = toHex(raw(v, line, 'hex'));
      break;
    case 'base64':
      out = toBase64(raw(v, line, 'base64'));
      break;
    case 'string':
      out = text(v, line);
      break;
    default:
      throw new TemplateError('invalid', `function "${name}" not defined`, line);
  }
  return { k: 'string', text: typeof out === 'string' ? out : binary(out), desc: `(${name} ${v.desc})` };
}

/** `encoding` of the certificate `der`, as the template function of that name prints it. */
export function encodeCertificate(encoding: CertificateEncoding, der: Uint8Array): string {
  const out = callFunction(encoding, [{ k: 'cert', bytes: der, desc: '.MarbleRun.MarbleCert.Cert' }], 0);
  if (out.k !== 'string') throw new Error(`${encoding} of a certificate is not a string`);
  return out.text;
}

/** Go's builtin `index`: maps of secrets by name (`index .Secrets "my-secret"`), byte slices by position. */
function index(args: Value[], line: number): Value {
  if (args.length < 1) throw new TemplateError('invalid', 'wrong number of args for index: want at least 1 got 0', line);
  let v = args[0]!;
  for (const key of args.slice(1)) {
    if ((v.k === 'public' || v.k === 'private' || v.k === 'bytes') && key.k === 'int') {
      const bytes = v.bytes ?? new Uint8Array(0);
      if (key.n < 0 || key.n >= bytes.length) throw new TemplateError('invalid', `index out of range: ${key.n}`, line);
      v = { k: 'int', n: bytes[key.n]!, desc: `(index ${v.desc} ${key.n})` };
      continue;
    }
    if (key.k !== 'string') throw new TemplateError('invalid', `index of ${v.desc}: the key must be a string`, line);
    if (v.k === 'nil') throw new TemplateError('invalid', `index of untyped nil ${v.desc}`, line);
    if (v.k !== 'map') throw new TemplateError('invalid', `can't index item ${v.desc}`, line);
    const name = Buffer.from(key.text, 'latin1').toString('utf8');
    const found = v.entries.get(name);
    const desc = `(index ${v.desc} ${JSON.stringify(name)})`;
    v = found ? { k: 'secret', v: found, desc } : { k: 'nil', desc };
  }
  return v;
}
