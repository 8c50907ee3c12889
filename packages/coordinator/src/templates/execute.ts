/** Executes a parsed template against the root value, producing bytes. */
import { TemplateError, type Command, type Operand, type Pipeline, type TemplateNode } from './ast.js';
import { callFunction } from './encoders.js';
import { binaryToBytes, field, type Value } from './values.js';

function walk(v: Value, path: readonly string[], line: number): Value {
  return path.reduce((acc, name) => field(acc, name, line), v);
}

function operand(op: Operand, root: Value, line: number): Value {
  switch (op.kind) {
    case 'field':
      return walk(root, op.path, line);
    case 'dot':
      return root;
    case 'string':
      return { k: 'string', text: op.value, desc: JSON.stringify(op.value) };
    case 'function':
      return callFunction(op.name, [], line);
    case 'paren':
      return walk(pipeline(op.pipeline, root, line), op.path, line);
  }
}

function command(cmd: Command, root: Value, final: Value | undefined, line: number): Value {
  const [first, ...rest] = cmd;
  if (first!.kind === 'function') {
    const args = rest.map((op) => operand(op, root, line));
    if (final) args.push(final);
    return callFunction(first!.name, args, line);
  }
  if (rest.length > 0 || final) throw new TemplateError('invalid', "can't give argument to non-function", line);
  return operand(first!, root, line);
}

function pipeline(p: Pipeline, root: Value, line: number): Value {
  let value: Value | undefined;
  for (const cmd of p) value = command(cmd, root, value, line);
  return value!;
}

/**
 * Runs the template. An action must yield text (a function result or a string literal);
 * Go would print other values with fmt, which no manifest wants, so they are refused.
 * Throws TemplateError.
 */
export function executeTemplate(nodes: readonly TemplateNode[], root: Value): Uint8Array {
  const parts: string[] = [];
  for (const node of nodes) {
    if (node.kind === 'text') {
      parts.push(node.text);
      continue;
    }
    const v = pipeline(node.pipeline, root, node.line);
    if (v.k === 'nil') throw new TemplateError('invalid', `${v.desc}: no such secret`, node.line);
    if (v.k !== 'string') throw new TemplateError('invalid', `${v.desc} must go through an encoding function (pem, hex, base64, raw or string)`, node.line);
    parts.push(v.text);
  }
  return binaryToBytes(parts.join(''));
}
