/** The policy grammar versions MAA documents. */
export type PolicyVersion = '1.0' | '1.1' | '1.2';

/** A claim's value type as the policy language names it. */
export type ClaimValueType = 'String' | 'Integer' | 'Boolean';

/** A single claim value: the policy language has strings, integers and booleans. */
export type ClaimScalar = string | number | boolean;

/** A claim as the engine takes and returns it (MAA claim: type, value, valueType, issuer). */
export interface Claim {
  type: string;
  value: ClaimScalar;
  /** Defaults to the JS type of `value`. */
  valueType?: ClaimValueType;
  /** Defaults to "CustomClaim", as MAA documents for claims without an issuer. */
  issuer?: string;
}

/** A claim after normalization: every property is present. */
export interface ResolvedClaim {
  type: string;
  value: ClaimScalar;
  valueType: ClaimValueType;
  issuer: string;
}

/** A place in the policy text, 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

export type ClaimProperty = 'type' | 'value' | 'valueType' | 'issuer';
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Expression =
  | { kind: 'string'; value: string; pos: SourcePosition }
  | { kind: 'integer'; value: number; pos: SourcePosition }
  | { kind: 'boolean'; value: boolean; pos: SourcePosition }
  | { kind: 'property'; identifier: string; property: ClaimProperty; pos: SourcePosition }
  | { kind: 'call'; name: FunctionName; args: Expression[]; pos: SourcePosition };

/** The functions policy version 1.2 adds (claim-rule-functions). */
export type FunctionName = 'JmesPath' | 'JsonToClaimValue' | 'IsSubsetOf' | 'AppendString' | 'NegateBool' | 'ContainsOnlyValue';

export interface PropertyTest {
  property: ClaimProperty;
  operator: ComparisonOperator;
  operand: Expression;
  pos: SourcePosition;
}

/** `[...]`, `c:[...]` or (1.2) `![...]`: a filter over the incoming claim set. */
export interface Condition {
  negated: boolean;
  identifier?: string;
  tests: PropertyTest[];
  pos: SourcePosition;
}

export type ClaimSpec =
  | { kind: 'reference'; identifier: string; pos: SourcePosition }
  | { kind: 'new'; type: Expression; value: Expression; pos: SourcePosition };

export type Action =
  | { kind: 'permit'; pos: SourcePosition }
  | { kind: 'deny'; pos: SourcePosition }
  | { kind: 'add' | 'issue' | 'issueproperty'; claim: ClaimSpec; pos: SourcePosition };

export interface Rule {
  conditions: Condition[];
  action: Action;
  pos: SourcePosition;
}

export type SectionName = 'configurationrules' | 'authorizationrules' | 'issuancerules';

/** A parsed policy. Sections absent from the text are empty arrays; `sections` lists those present, in text order. */
export interface Policy {
  version: PolicyVersion;
  sections: SectionName[];
  configurationRules: Rule[];
  authorizationRules: Rule[];
  issuanceRules: Rule[];
}

/** What evaluating a policy against a claim set yields. */
export interface PolicyResult {
  /** True only when an authorization rule permitted and none denied. */
  authorized: boolean;
  /** Outgoing claims from `issue` actions, in order; empty when not authorized. */
  issued: ResolvedClaim[];
  /** Properties from `issueproperty` actions (configuration rules, and issuance rules when authorized). */
  properties: Record<string, ClaimScalar>;
  /** The incoming claim set after all `add`/`issue`/`issueproperty` actions. */
  claims: ResolvedClaim[];
}
