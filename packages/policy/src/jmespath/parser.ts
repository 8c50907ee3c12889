import { limitExceeded } from '@confide/core';
import { POLICY_LIMITS } from '../limits.js';
import type { Comparator, Node } from './ast.js';
import { jmespathError } from './errors.js';
import { tokenize, type Token, type TokenType } from './lexer.js';

/** Binding powers of the JMESPath Pratt parser; tokens not listed bind at 0. */
const BP: Partial<Record<TokenType, number>> = {
  '|': 1, '||': 2, '&&': 3, '==': 5, '!=': 5, '<': 5, '<=': 5, '>': 5, '>=': 5,
  '[]': 9, '*': 20, '[?': 21, '.': 40, '!': 45, '{': 50, '[': 55, '(': 60,
};
const bp = (t: TokenType): number => BP[t] ?? 0;
const PROJECTION_STOP = 10;
const COMPARATORS: readonly TokenType[] = ['==', '!=', '<', '<=', '>', '>='];
const CURRENT: Node = { type: 'Current' };

class Parser {
  private index = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private look(offset = 0): Token { return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!; }
  private advance(): Token { const t = this.look(); this.index++; return t; }
  private expect(type: TokenType): Token {
    const t = this.look();
    if (t.type !== type) throw jmespathError(`expected ${type} but found ${t.type} at ${t.start}`);
    return this.advance();
  }

  parse(): Node {
    const node = this.expression(0);
    if (this.look().type !== 'EOF') throw jmespathError(`unexpected ${this.look().type} at ${this.look().start}`);
    return node;
  }

  expression(rbp: number): Node {
    if (++this.depth > POLICY_LIMITS.maxJmesPathNesting) throw limitExceeded('policy.maxJmesPathNesting', POLICY_LIMITS.maxJmesPathNesting, 'the JMESPath query nesting');
    let left = this.nud(this.advance());
    while (rbp < bp(this.look().type)) left = this.led(this.advance(), left);
    this.depth--;
    return left;
  }

  private nud(token: Token): Node {
    switch (token.type) {
      case 'Literal': return { type: 'Literal', value: token.value as never };
      case 'UnquotedIdentifier': return { type: 'Field', name: token.value as string };
      case 'QuotedIdentifier':
        if (this.look().type === '(') throw jmespathError(`quoted identifier cannot name a function at ${token.start}`);
        return { type: 'Field', name: token.value as string };
      case '!': return { type: 'Not', child: this.expression(bp('!')) };
      case '*': return { type: 'ValueProjection', left: CURRENT, right: this.projectionRhs(bp('*')) };
      case '[?': return this.led(token, CURRENT);
      case '{': return this.multiSelectHash();
      case '[]': return { type: 'Projection', left: { type: 'Flatten', child: CURRENT }, right: this.projectionRhs(bp('[]')) };
      case '[': {
        const next = this.look().type;
        if (next === 'Number' || next === ':') return this.projectIfSlice(CURRENT, this.indexExpression());
        if (next === '*' && this.look(1).type === ']') {
          this.advance();
          this.advance();
          return { type: 'Projection', left: CURRENT, right: this.projectionRhs(bp('*')) };
        }
        return this.multiSelectList();
      }
      case '@': return CURRENT;
      case '&': return { type: 'ExpressionReference', child: this.expression(0) };
      case '(': {
        const inner = this.expression(0);
        this.expect(')');
        return inner;
      }
      default: throw jmespathError(`unexpected ${token.type} at ${token.start}`);
    }
  }

  private led(token: Token, left: Node): Node {
    switch (token.type) {
      case '.':
        if (this.look().type === '*') {
          this.advance();
          return { type: 'ValueProjection', left, right: this.projectionRhs(bp('.')) };
        }
        return { type: 'Subexpression', left, right: this.dotRhs(bp('.')) };
      case '|': return { type: 'Pipe', left, right: this.expression(bp('|')) };
      case '||': return { type: 'Or', left, right: this.expression(bp('||')) };
      case '&&': return { type: 'And', left, right: this.expression(bp('&&')) };
      case '(': {
        if (left.type !== 'Field') throw jmespathError(`only a name can be called at ${token.start}`);
        const args: Node[] = [];
        while (this.look().type !== ')') {
          args.push(this.expression(0));
          if (this.look().type === ',') this.advance();
          else if (this.look().type !== ')') throw jmespathError(`expected , or ) at ${this.look().start}`);
        }
        this.advance();
        return { type: 'Function', name: left.name, args };
      }
      case '[?': {
        const condition = this.expression(0);
        this.expect(']');
        const right = this.look().type === '[]' ? CURRENT : this.projectionRhs(bp('[?'));
        return { type: 'FilterProjection', left, right, condition };
      }
      case '[]': return { type: 'Projection', left: { type: 'Flatten', child: left }, right: this.projectionRhs(bp('[]')) };
      case '[': {
        const next = this.look().type;
        if (next === 'Number' || next === ':') return this.projectIfSlice(left, this.indexExpression());
        this.expect('*');
        this.expect(']');
        return { type: 'Projection', left, right: this.projectionRhs(bp('*')) };
      }
      default:
        if (COMPARATORS.includes(token.type)) {
          return { type: 'Comparator', op: token.type as Comparator, left, right: this.expression(bp(token.type)) };
        }
        throw jmespathError(`unexpected ${token.type} at ${token.start}`);
    }
  }

  private indexExpression(): Node {
    if (this.look().type === 'Number' && this.look(1).type === ']') {
      const index = this.advance().value as number;
      this.advance();
      return { type: 'Index', index };
    }
    const parts: (number | null)[] = [null, null, null];
    let part = 0;
    while (this.look().type !== ']') {
      const t = this.look();
      if (t.type === ':') {
        part++;
        if (part > 2) throw jmespathError(`too many colons in slice at ${t.start}`);
        this.advance();
      } else if (t.type === 'Number') {
        parts[part] = t.value as number;
        this.advance();
      } else {
        throw jmespathError(`unexpected ${t.type} in slice at ${t.start}`);
      }
    }
    this.advance();
    if (parts[2] === 0) throw jmespathError('slice step cannot be 0');
    return { type: 'Slice', start: parts[0]!, stop: parts[1]!, step: parts[2]! };
  }

  private projectIfSlice(left: Node, right: Node): Node {
    const indexed: Node = { type: 'IndexExpression', left, right };
    return right.type === 'Slice' ? { type: 'Projection', left: indexed, right: this.projectionRhs(bp('*')) } : indexed;
  }

  private projectionRhs(rbp: number): Node {
    const t = this.look().type;
    if (bp(t) < PROJECTION_STOP) return CURRENT;
    if (t === '[' || t === '[?') return this.expression(rbp);
    if (t === '.') {
      this.advance();
      return this.dotRhs(rbp);
    }
    throw jmespathError(`unexpected ${t} after projection at ${this.look().start}`);
  }

  private dotRhs(rbp: number): Node {
    const t = this.look().type;
    if (t === 'UnquotedIdentifier' || t === 'QuotedIdentifier' || t === '*') return this.expression(rbp);
    if (t === '[') { this.advance(); return this.multiSelectList(); }
    if (t === '{') { this.advance(); return this.multiSelectHash(); }
    throw jmespathError(`unexpected ${t} after '.' at ${this.look().start}`);
  }

  private multiSelectList(): Node {
    const children: Node[] = [];
    for (;;) {
      children.push(this.expression(0));
      if (this.look().type === ']') break;
      this.expect(',');
    }
    this.advance();
    return { type: 'MultiSelectList', children };
  }

  private multiSelectHash(): Node {
    const pairs: { key: string; value: Node }[] = [];
    for (;;) {
      const key = this.advance();
      if (key.type !== 'UnquotedIdentifier' && key.type !== 'QuotedIdentifier') throw jmespathError(`expected a key at ${key.start}`);
      this.expect(':');
      pairs.push({ key: key.value as string, value: this.expression(0) });
      if (this.look().type === '}') break;
      this.expect(',');
    }
    this.advance();
    return { type: 'MultiSelectHash', pairs };
  }
}

/** Parses a JMESPath query. Throws ERR_POLICY_EVALUATION_FAILED, ERR_LIMIT_EXCEEDED (policy.maxJmesPath*). */
export function parseJmesPath(query: string): Node {
  // The length bounds the depth of left-nested chains (a.b.c…), which the loop above builds without recursing.
  if (query.length > POLICY_LIMITS.maxJmesPathLength) throw limitExceeded('policy.maxJmesPathLength', POLICY_LIMITS.maxJmesPathLength, 'the JMESPath query');
  return new Parser(tokenize(query)).parse();
}
