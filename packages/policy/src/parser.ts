import { limitExceeded } from '@confide/core';
import { syntaxError, tokenize, type Token, type TokenKind } from './lexer.js';
import { POLICY_LIMITS } from './limits.js';
import { checkPolicy, invalid } from './version-rules.js';
import type {
  Action, ClaimProperty, ClaimSpec, ComparisonOperator, Condition, Expression, FunctionName,
  Policy, PolicyVersion, PropertyTest, Rule, SectionName, SourcePosition,
} from './types.js';

const SECTIONS: readonly SectionName[] = ['configurationrules', 'authorizationrules', 'issuancerules'];
const PROPERTIES: readonly ClaimProperty[] = ['type', 'value', 'valueType', 'issuer'];
const OPERATORS: readonly ComparisonOperator[] = ['==', '!=', '<', '<=', '>', '>='];
const FUNCTIONS: readonly FunctionName[] = ['JmesPath', 'JsonToClaimValue', 'IsSubsetOf', 'AppendString', 'NegateBool', 'ContainsOnlyValue'];
const VERSIONS: readonly PolicyVersion[] = ['1.0', '1.1', '1.2'];

function describe(token: Token): string {
  if (token.kind === 'eof') return 'end of policy';
  if (token.kind === 'string') return `string ${JSON.stringify(token.text)}`;
  return `'${token.text}'`;
}

/** Keywords are matched case-insensitively (the documented SGX default policy writes `Version=`). */
function keyword<T extends string>(token: Token, words: readonly T[]): T | undefined {
  if (token.kind !== 'identifier') return undefined;
  const lower = token.text.toLowerCase();
  return words.find((w) => w.toLowerCase() === lower);
}

class Parser {
  private index = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private expect(kind: TokenKind, what?: string): Token {
    const token = this.peek();
    if (token.kind !== kind) throw syntaxError(`Expected ${what ?? `'${kind}'`} but found ${describe(token)}`, token.pos);
    return this.next();
  }

  private expectKeyword<T extends string>(words: readonly T[], what: string): { word: T; token: Token } {
    const token = this.peek();
    const word = keyword(token, words);
    if (word === undefined) throw syntaxError(`Expected ${what} but found ${describe(token)}`, token.pos);
    this.next();
    return { word, token };
  }

  parsePolicy(): Policy {
    this.expectKeyword(['version'], "'version'");
    this.expect('=');
    const versionToken = this.peek();
    if (versionToken.kind !== 'decimal') throw syntaxError(`Expected a version number such as 1.0 but found ${describe(versionToken)}`, versionToken.pos);
    this.next();
    const version = VERSIONS.find((v) => v === versionToken.text);
    if (version === undefined) throw invalid(`Unsupported policy version ${versionToken.text} (supported: ${VERSIONS.join(', ')})`, versionToken.pos);
    this.expect(';');

    const policy: Policy = { version, sections: [], configurationRules: [], authorizationRules: [], issuanceRules: [] };
    const sectionPos = new Map<SectionName, SourcePosition>();
    while (this.peek().kind !== 'eof') {
      const { word, token } = this.expectKeyword(SECTIONS, 'a section name (configurationrules, authorizationrules or issuancerules)');
      if (sectionPos.has(word)) throw invalid(`Section ${word} appears twice`, token.pos);
      sectionPos.set(word, token.pos);
      policy.sections.push(word);
      this.expect('{');
      const rules: Rule[] = [];
      while (this.peek().kind !== '}') rules.push(this.parseRule());
      this.next();
      this.expect(';');
      if (word === 'configurationrules') policy.configurationRules = rules;
      else if (word === 'authorizationrules') policy.authorizationRules = rules;
      else policy.issuanceRules = rules;
    }
    checkPolicy(policy, sectionPos, this.peek().pos);
    return policy;
  }

  private parseRule(): Rule {
    const pos = this.peek().pos;
    const conditions: Condition[] = [];
    if (this.peek().kind !== '=>') {
      conditions.push(this.parseCondition());
      while (this.peek().kind === '&&') {
        this.next();
        conditions.push(this.parseCondition());
      }
    }
    this.expect('=>', "'=>' or '&&'");
    const action = this.parseAction();
    this.expect(';');
    return { conditions, action, pos };
  }

  private parseCondition(): Condition {
    const pos = this.peek().pos;
    let negated = false;
    let identifier: string | undefined;
    if (this.peek().kind === '!') {
      this.next();
      negated = true;
    } else if (this.peek().kind === 'identifier' && this.peek(1).kind === ':') {
      identifier = this.next().text;
      this.next();
    }
    this.expect('[', "'[' to start a condition");
    const tests: PropertyTest[] = [];
    if (this.peek().kind !== ']') {
      tests.push(this.parseTest());
      while (this.peek().kind === ',') {
        this.next();
        tests.push(this.parseTest());
      }
    }
    this.expect(']', "',' or ']'");
    return identifier === undefined ? { negated, tests, pos } : { negated, identifier, tests, pos };
  }

  private parseTest(): PropertyTest {
    const { word: property, token } = this.expectKeyword(PROPERTIES, 'a claim property (type, value, valueType or issuer)');
    const opToken = this.peek();
    if (opToken.kind === '=') throw syntaxError("Expected a comparison operator ('==', '!=', '<', '<=', '>', '>='); a condition compares with '==', not '='", opToken.pos);
    const operator = OPERATORS.find((o) => o === opToken.kind);
    if (operator === undefined) throw syntaxError(`Expected a comparison operator but found ${describe(opToken)}`, opToken.pos);
    this.next();
    const operand = this.parseExpression();
    return { property, operator, operand, pos: token.pos };
  }

  private parseAction(): Action {
    const { word, token } = this.expectKeyword(['permit', 'deny', 'add', 'issue', 'issueproperty'] as const, 'an action (permit, deny, add, issue or issueproperty)');
    this.expect('(');
    if (word === 'permit' || word === 'deny') {
      this.expect(')', `')' (${word}() takes no argument)`);
      return { kind: word, pos: token.pos };
    }
    const claim = this.parseClaimSpec();
    this.expect(')');
    return { kind: word, claim, pos: token.pos };
  }

  private parseClaimSpec(): ClaimSpec {
    const first = this.expectKeyword(['claim', 'type'] as const, "'claim=' or 'type='");
    this.expect('=');
    if (first.word === 'claim') {
      const ref = this.expect('identifier', 'a condition identifier');
      return { kind: 'reference', identifier: ref.text, pos: ref.pos };
    }
    const type = this.parseExpression();
    this.expect(',', "',' then 'value='");
    this.expectKeyword(['value'], "'value='");
    this.expect('=');
    const value = this.parseExpression();
    return { kind: 'new', type, value, pos: first.token.pos };
  }

  private parseExpression(): Expression {
    const token = this.peek();
    switch (token.kind) {
      case 'string':
        this.next();
        return { kind: 'string', value: token.text, pos: token.pos };
      case 'integer': {
        this.next();
        const value = Number(token.text);
        if (!Number.isSafeInteger(value)) throw syntaxError(`Integer ${token.text} is out of range`, token.pos);
        return { kind: 'integer', value, pos: token.pos };
      }
      case 'decimal':
        throw syntaxError('Fractional numbers are not supported; use an integer', token.pos);
      case 'identifier': {
        const bool = keyword(token, ['true', 'false'] as const);
        if (bool !== undefined) {
          this.next();
          return { kind: 'boolean', value: bool === 'true', pos: token.pos };
        }
        this.next();
        if (this.peek().kind === '.') {
          this.next();
          const { word: property } = this.expectKeyword(PROPERTIES, 'a claim property (type, value, valueType or issuer)');
          return { kind: 'property', identifier: token.text, property, pos: token.pos };
        }
        if (this.peek().kind === '(') {
          const name = keyword(token, FUNCTIONS);
          if (name === undefined) throw invalid(`Unknown function ${token.text}`, token.pos);
          if (++this.depth > POLICY_LIMITS.maxNesting) throw limitExceeded('policy.maxNesting', POLICY_LIMITS.maxNesting, `function calls nested at line ${token.pos.line}`);
          this.next();
          const args: Expression[] = [];
          if (this.peek().kind !== ')') {
            args.push(this.parseExpression());
            while (this.peek().kind === ',') {
              this.next();
              args.push(this.parseExpression());
            }
          }
          this.expect(')', "',' or ')'");
          this.depth--;
          return { kind: 'call', name, args, pos: token.pos };
        }
        throw syntaxError(`Expected '.' or '(' after ${describe(token)}`, this.peek().pos);
      }
      default:
        throw syntaxError(`Expected a value (string, integer, true, false, claim property or function call) but found ${describe(token)}`, token.pos);
    }
  }
}

/**
 * Parses MAA attestation policy text (versions 1.0, 1.1, 1.2) into a Policy.
 * Throws ERR_POLICY_SYNTAX (grammar) or ERR_POLICY_INVALID (not allowed for its version);
 * both carry details {line, column}. Throws ERR_LIMIT_EXCEEDED (policy.maxLength, policy.maxNesting).
 */
export function parsePolicy(text: string): Policy {
  if (text.length > POLICY_LIMITS.maxLength) throw limitExceeded('policy.maxLength', POLICY_LIMITS.maxLength, 'the policy text');
  return new Parser(tokenize(text)).parsePolicy();
}
