/**
 * Checks the template actions of one File or Env value against the manifest's secrets. The
 * template is parsed by the parser that renders it at activation (templates/parse.ts), so the
 * check and the rendering accept the same language (`index` included); the parsed pipeline is
 * then followed with references instead of values to find what each encoding is applied to.
 */
import { TemplateError, type Command, type Operand, type ParseFailure, type Pipeline, type TemplateNode, type TemplateTarget } from '../templates/ast.js';
import { parseTemplate } from '../templates/parse.js';
import { executeTemplate } from '../templates/execute.js';
import { dryRunRoot } from '../templates/dry-run.js';
import { isCertSecretType, type Manifest } from './types.js';
import { lookup, type PathSegment, type ViolationList } from './violation.js';
import type { ManifestRuleId } from './rules.js';

export type TemplateContext = 'Files' | 'Env';

const TARGETS: Record<TemplateContext, TemplateTarget> = { Files: 'file', Env: 'env' };
const ENCODINGS = ['pem', 'hex', 'raw', 'base64', 'string'];
const SECRET_PARTS = ['Cert', 'Public', 'Private'];
/** The reserved .MarbleRun values and the parts they have. */
const MARBLERUN_REFS: Record<string, readonly string[]> = {
  RootCA: ['Cert'],
  MarbleCert: ['Cert', 'Public', 'Private'],
  CoordinatorRoot: ['Cert'],
  CoordinatorIntermediate: ['Cert'],
};
const PARSE_RULES: Record<ParseFailure, ManifestRuleId> = {
  syntax: 'template.syntax',
  unsupported: 'template.unsupported',
  'function-unknown': 'template.encoding-unknown',
  'function-not-allowed': 'template.encoding-not-allowed',
};

/**
 * What a pipeline yields, followed statically: a reference from the root, encoded text, a string
 * constant, another value (a number, a builtin's result), or something only execution knows (a
 * field of a dot that `with` or `range` moved, a variable): the dry run checks those.
 */
type Abstract = { k: 'ref'; path: string[]; text: string } | { k: 'text' } | { k: 'string'; value: string } | { k: 'value' } | { k: 'dynamic' } | { k: 'bad' };

/** Index keys are binary strings (one char per byte) of UTF-8, as at rendering. */
function utf8Of(binary: string): string {
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

class ActionChecker {
  constructor(
    private readonly m: Manifest,
    private readonly ctx: TemplateContext,
    private readonly at: PathSegment[],
    private readonly v: ViolationList,
    private readonly used: Set<string>,
    private readonly line: number,
    /** False inside `with` and `range`, where dot is not the root. */
    private readonly dotIsRoot: boolean,
  ) {}

  private error(rule: ManifestRuleId, message: string): Abstract {
    this.v.error(rule, this.at, `line ${this.line}: ${message}`);
    return { k: 'bad' };
  }

  private operand(op: Operand): Abstract {
    switch (op.kind) {
      case 'field':
        return this.dotIsRoot ? { k: 'ref', path: op.path, text: `.${op.path.join('.')}` } : { k: 'dynamic' };
      case 'dot':
        return this.dotIsRoot ? { k: 'ref', path: [], text: '.' } : { k: 'dynamic' };
      case 'variable':
        return op.name === '$' ? { k: 'ref', path: op.path, text: `$.${op.path.join('.')}` } : { k: 'dynamic' };
      case 'string':
        return { k: 'string', value: op.value };
      case 'number':
      case 'bool':
      case 'nil':
        return { k: 'value' };
      case 'function':
        return this.call(op.name, []);
      case 'paren': {
        const inner = this.pipeline(op.pipeline);
        if (op.path.length === 0 || inner.k === 'bad' || inner.k === 'dynamic') return inner;
        if (inner.k !== 'ref') return this.error('template.reference-unknown', `a field of something that is not a reference (.${op.path.join('.')})`);
        return { k: 'ref', path: [...inner.path, ...op.path], text: `(${inner.text}).${op.path.join('.')}` };
      }
    }
  }

  private call(name: string, args: Abstract[]): Abstract {
    if (args.some((a) => a.k === 'bad')) return { k: 'bad' };
    if (name === 'index') {
      const [target, ...keys] = args;
      if (target?.k === 'dynamic' || keys.some((k) => k.k !== 'string')) return { k: 'dynamic' };
      if (target?.k !== 'ref') return this.error('template.reference-unknown', 'index needs a reference, then keys');
      const names = keys.map((k) => utf8Of((k as { value: string }).value));
      return { k: 'ref', path: [...target.path, ...names], text: `(index ${target.text} ${names.map((n) => JSON.stringify(n)).join(' ')})` };
    }
    if (!ENCODINGS.includes(name)) return { k: 'value' }; // Go's builtins: the dry run checks what they are given
    if (args.length !== 1) return this.error('template.syntax', `wrong number of args for ${name}: want 1 got ${args.length}`);
    const arg = args[0]!;
    if (arg.k === 'dynamic') return { k: 'text' };
    if (arg.k !== 'ref') return this.error('template.reference-unknown', `${name} of something that is not a secret reference`);
    this.checkRef(name, arg);
    return { k: 'text' };
  }

  private command(cmd: Command, final: Abstract | undefined): Abstract {
    const [first, ...rest] = cmd;
    if (first!.kind === 'function') return this.call(first!.name, [...rest.map((op) => this.operand(op)), ...(final ? [final] : [])]);
    if (rest.length > 0 || final) return this.error('template.unsupported', "can't give argument to non-function");
    return this.operand(first!);
  }

  pipeline(p: Pipeline): Abstract {
    let value: Abstract | undefined;
    for (const cmd of p.commands) value = this.command(cmd, value);
    return value!;
  }

  /** A printing action: a reference must go through an encoding (a declaration prints nothing). */
  action(p: Pipeline): void {
    const out = this.pipeline(p);
    if (out.k === 'ref' && p.vars.length === 0) this.error('template.no-encoding', `${out.text}: name an encoding, e.g. {{ pem .Secrets.name.Cert }}`);
  }

  private checkRef(encoding: string, ref: { path: string[]; text: string }): void {
    if (!ENCODINGS.includes(encoding)) return; // the parser let only the target's functions through
    const text = `${encoding} ${ref.text}`;
    const [root, second, third, fourth, ...rest] = ref.path;
    if (root === 'Secrets' && second !== undefined && fourth === undefined) {
      this.checkSecretRef(encoding, second, third, false, text);
    } else if (root === 'Previous' && second === 'Secrets' && third !== undefined && rest.length === 0) {
      this.checkSecretRef(encoding, third, fourth, true, text);
    } else if (root === 'MarbleRun' && second !== undefined && third !== undefined && fourth === undefined && MARBLERUN_REFS[second]?.includes(third)) {
      if (encoding === 'string') this.error('template.string-not-plain', `${text}: string encodes only a whole plain secret`);
    } else {
      this.error('template.reference-unknown', `${text}: ${ref.text} is not a secret or a .MarbleRun certificate`);
    }
  }

  private checkSecretRef(encoding: string, name: string, part: string | undefined, previous: boolean, text: string): void {
    if (part !== undefined && !SECRET_PARTS.includes(part)) {
      this.error('template.part-unknown', `${text}: part "${part}" is not Cert, Public or Private`);
      return;
    }
    if (encoding === 'pem' && part === undefined) {
      this.error('template.pem-needs-part', `${text}: pem needs .Cert, .Public or .Private`);
      return;
    }
    // .Previous names a secret of the previous manifest, which may be gone from this one.
    if (previous) {
      if (encoding === 'string' && part !== undefined) this.error('template.string-not-plain', `${text}: string encodes only a whole plain secret`);
      return;
    }
    const secret = lookup(this.m.Secrets, name);
    if (!secret) {
      this.error('template.secret-unknown', `${text}: secret "${name}" is not in Secrets`);
      return;
    }
    this.used.add(name);
    if (part === 'Cert' && !isCertSecretType(secret.Type)) this.error('template.part-unavailable', `${text}: a ${secret.Type} secret has no Cert`);
    if (encoding === 'string' && this.ctx === 'Env') {
      if (!secret.UserDefined) this.error('template.string-not-user-defined', `${text}: string encoding is only for UserDefined secrets`);
      else if (secret.Type !== 'plain' || part !== undefined) this.error('template.string-not-plain', `${text}: string encodes only a whole plain secret`);
    }
  }
}

/**
 * Checks `data` (already decoded, a binary string: one char per byte) of a File or Env entry at
 * `at`; records the secrets it uses in `used`.
 */
export function validateTemplate(m: Manifest, ctx: TemplateContext, data: string, at: PathSegment[], v: ViolationList, used: Set<string>): void {
  let nodes;
  try {
    nodes = parseTemplate(data, TARGETS[ctx]);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    v.error(PARSE_RULES[err.failure], at, err.line !== undefined ? `line ${err.line}: ${err.message}` : err.message);
    return;
  }
  const walk = (list: readonly TemplateNode[], dotIsRoot: boolean): void => {
    for (const node of list) {
      if (!('pipeline' in node)) continue;
      const checker = new ActionChecker(m, ctx, at, v, used, node.line, dotIsRoot);
      if (node.kind === 'action') {
        checker.action(node.pipeline);
        continue;
      }
      // A condition may name anything: a missing secret is merely false.
      checker.pipeline(node.pipeline);
      if (node.kind === 'range') walk(node.body, false);
      else walk(node.then, node.kind === 'if' && dotIsRoot);
      if (node.otherwise) walk(node.otherwise, dotIsRoot);
    }
  };
  const before = v.errors.length;
  walk(nodes, true);
  if (v.errors.length > before) return;
  // What the static walk cannot follow (a moved dot, variables, builtins) is checked by running it, as MarbleRun's dry run does.
  try {
    executeTemplate(nodes, dryRunRoot(m.Secrets));
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    v.error('template.execution', at, err.line !== undefined ? `line ${err.line}: ${err.message}` : err.message);
  }
}
