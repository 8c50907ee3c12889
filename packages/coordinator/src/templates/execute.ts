/**
 * Executes a parsed template against the root value, producing bytes, as Go's text/template
 * executes one (text/template/exec.go): dot, variables (`$` is the root) scoped to their
 * control structure, if/with/range with else, break and continue, pipelines whose value is the
 * last argument of the next command. Ranges go over maps in key order, byte slices and integers.
 */
import { TemplateError, type Command, type Operand, type Pipeline, type TemplateNode } from './ast.js';
import { printValue, truth } from './builtins.js';
import { callFunction } from './encoders.js';
import { binaryToBytes, field, type Value } from './values.js';

/** A limit on the steps of one execution: `range` over a number could otherwise run for ever. */
const MAX_RANGE_ITERATIONS = 1_000_000;

class Break {}
class Continue {}

class Execution {
  private readonly vars: Array<[string, Value]>;
  private readonly parts: string[] = [];
  private iterations = 0;

  constructor(root: Value) {
    this.vars = [['$', root]];
  }

  output(): Uint8Array {
    return binaryToBytes(this.parts.join(''));
  }

  private variable(name: string, line: number): Value {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]![0] === name) return this.vars[i]![1];
    throw new TemplateError('invalid', `undefined variable: ${name}`, line);
  }

  private setVariable(name: string, value: Value, line: number): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]![0] === name) {
        this.vars[i]![1] = value;
        return;
      }
    }
    throw new TemplateError('invalid', `undefined variable: ${name}`, line);
  }

  private walk(v: Value, path: readonly string[], line: number): Value {
    return path.reduce((acc, name) => field(acc, name, line), v);
  }

  private operand(op: Operand, dot: Value, line: number): Value {
    switch (op.kind) {
      case 'field':
        return this.walk(dot, op.path, line);
      case 'dot':
        return dot;
      case 'variable':
        return this.walk(this.variable(op.name, line), op.path, line);
      case 'string':
        return { k: 'string', text: op.value, desc: JSON.stringify(op.value) };
      case 'number':
        return { k: op.float ? 'float' : 'int', n: op.value, desc: op.text };
      case 'bool':
        return { k: 'bool', b: op.value, desc: String(op.value) };
      case 'nil':
        return { k: 'nil', desc: 'nil' };
      case 'function':
        return callFunction(op.name, [], line);
      case 'paren':
        return this.walk(this.pipeline(op.pipeline, dot, line, false), op.path, line);
    }
  }

  private command(cmd: Command, dot: Value, final: Value | undefined, line: number): Value {
    const [first, ...rest] = cmd;
    if (first!.kind === 'function') {
      const name = first!.name;
      // and/or stop at the first argument that decides (Go 1.18).
      if (name === 'and' || name === 'or') {
        const ops = [...rest];
        let last: Value | undefined;
        for (const op of ops) {
          last = this.operand(op, dot, line);
          if (truth(last) === (name === 'or')) return last;
        }
        if (final) return final;
        if (!last) throw new TemplateError('invalid', `wrong number of args for ${name}: want at least 1 got 0`, line);
        return last;
      }
      const args = rest.map((op) => this.operand(op, dot, line));
      if (final) args.push(final);
      return callFunction(name, args, line);
    }
    if (rest.length > 0 || final) throw new TemplateError('invalid', "can't give argument to non-function", line);
    return this.operand(first!, dot, line);
  }

  /** Runs a pipeline; its declarations go on the variable stack (`declare`), or assign. */
  pipeline(p: Pipeline, dot: Value, line: number, declare = true): Value {
    let value: Value | undefined;
    for (const cmd of p.commands) value = this.command(cmd, dot, value, line);
    if (declare && p.vars.length === 1) {
      if (p.assign) this.setVariable(p.vars[0]!, value!, line);
      else this.vars.push([p.vars[0]!, value!]);
    }
    return value!;
  }

  private range(node: Extract<TemplateNode, { kind: 'range' }>, dot: Value): void {
    const mark = this.vars.length;
    const value = this.pipeline({ ...node.pipeline, vars: [] }, dot, node.line);
    const items: Array<[Value, Value]> = [];
    if (value.k === 'map') {
      for (const key of [...value.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        items.push([{ k: 'string', text: Buffer.from(key, 'utf8').toString('latin1'), desc: JSON.stringify(key) }, { k: 'secret', v: value.entries.get(key)!, desc: `${value.desc}.${key}` }]);
      }
    } else if (value.k === 'public' || value.k === 'private' || value.k === 'bytes') {
      (value.bytes ?? new Uint8Array(0)).forEach((b, i) => items.push([{ k: 'int', n: i, desc: String(i) }, { k: 'int', n: b, desc: String(b) }]));
    } else if (value.k === 'int') {
      if (value.n > MAX_RANGE_ITERATIONS) throw new TemplateError('invalid', `range over ${value.n}: more than ${MAX_RANGE_ITERATIONS} iterations`, node.line);
      for (let i = 0; i < value.n; i++) items.push([{ k: 'int', n: i, desc: String(i) }, { k: 'int', n: i, desc: String(i) }]);
    } else if (value.k !== 'nil') {
      throw new TemplateError('invalid', `range can't iterate over ${value.desc}`, node.line);
    }
    if (items.length === 0) {
      this.vars.length = mark;
      if (node.otherwise) this.list(node.otherwise, dot);
      return;
    }
    const [keyVar, elemVar] = node.pipeline.vars.length === 2 ? node.pipeline.vars : [undefined, node.pipeline.vars[0]];
    for (const [key, elem] of items) {
      if (++this.iterations > MAX_RANGE_ITERATIONS) throw new TemplateError('invalid', `more than ${MAX_RANGE_ITERATIONS} range iterations`, node.line);
      const inner = this.vars.length;
      if (keyVar) this.vars.push([keyVar, key]);
      if (elemVar) this.vars.push([elemVar, elem]);
      try {
        this.list(node.body, elem);
      } catch (signal) {
        if (signal instanceof Break) break;
        if (!(signal instanceof Continue)) throw signal;
      } finally {
        this.vars.length = inner;
      }
    }
    this.vars.length = mark;
  }

  list(nodes: readonly TemplateNode[], dot: Value): void {
    const mark = this.vars.length;
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          this.parts.push(node.text);
          break;
        case 'action': {
          const v = this.pipeline(node.pipeline, dot, node.line);
          // A declaration prints nothing.
          if (node.pipeline.vars.length > 0) break;
          if (v.k === 'nil' && v.desc !== 'nil') throw new TemplateError('invalid', `${v.desc}: no such secret`, node.line);
          this.parts.push(v.k === 'string' && v.placeholder !== undefined ? v.placeholder : printValue(v, node.line));
          break;
        }
        case 'if':
        case 'with': {
          const inner = this.vars.length;
          const v = this.pipeline(node.pipeline, dot, node.line);
          if (truth(v)) this.list(node.then, node.kind === 'with' ? v : dot);
          else if (node.otherwise) this.list(node.otherwise, dot);
          this.vars.length = inner;
          break;
        }
        case 'range':
          this.range(node, dot);
          break;
        case 'break':
          throw new Break();
        case 'continue':
          throw new Continue();
      }
    }
    this.vars.length = mark;
  }
}

/**
 * Runs the template. Printing a secret, a certificate or a map is refused: Go would print their
 * fields with fmt, which no manifest wants. Throws TemplateError.
 */
export function executeTemplate(nodes: readonly TemplateNode[], root: Value): Uint8Array {
  const run = new Execution(root);
  run.list(nodes, root);
  return run.output();
}

