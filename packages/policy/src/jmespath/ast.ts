/** A JSON value as JMESPath sees it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Comparator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** JMESPath syntax tree (JMESPath specification, "Grammar"). */
export type Node =
  | { type: 'Field'; name: string }
  | { type: 'Current' }
  | { type: 'Literal'; value: Json }
  | { type: 'Subexpression' | 'IndexExpression' | 'Pipe' | 'Or' | 'And'; left: Node; right: Node }
  | { type: 'Index'; index: number }
  | { type: 'Slice'; start: number | null; stop: number | null; step: number | null }
  | { type: 'Projection' | 'ValueProjection'; left: Node; right: Node }
  | { type: 'FilterProjection'; left: Node; right: Node; condition: Node }
  | { type: 'Flatten'; child: Node }
  | { type: 'Not' | 'ExpressionReference'; child: Node }
  | { type: 'Comparator'; op: Comparator; left: Node; right: Node }
  | { type: 'MultiSelectList'; children: Node[] }
  | { type: 'MultiSelectHash'; pairs: { key: string; value: Node }[] }
  | { type: 'Function'; name: string; args: Node[] };
