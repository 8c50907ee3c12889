/**
 * The subset of Go text/template that MarbleRun manifests use: text, comments, trim markers,
 * and actions made of pipelines of function calls over field chains, string literals and
 * parenthesised pipelines. Strings are "binary strings" (one char per byte) so template text
 * and literals keep their exact bytes.
 */
export type Operand =
  | { kind: 'field'; path: string[] }
  | { kind: 'dot' }
  | { kind: 'string'; value: string }
  | { kind: 'function'; name: string }
  | { kind: 'paren'; pipeline: Pipeline; path: string[] };

/** Words of one command; a command whose first word is a function calls it with the rest. */
export type Command = Operand[];

/** Commands joined by `|`; each command's value becomes the last argument of the next. */
export type Pipeline = Command[];

export type TemplateNode = { kind: 'text'; text: string } | { kind: 'action'; pipeline: Pipeline; line: number };

/** Where a template is used: Files allow `raw`, Env allows `string`. */
export type TemplateTarget = 'file' | 'env';

/** Why a template does not parse: the manifest check reports each under its own rule. */
export type ParseFailure = 'syntax' | 'unsupported' | 'function-unknown' | 'function-not-allowed';

/** Raised inside the template engine; render and dry run turn it into a ConfideError. */
export class TemplateError extends Error {
  constructor(
    /** invalid: the template is wrong; unset: a value it names is empty; nul: text would hold a NUL byte. */
    readonly kind: 'invalid' | 'unset' | 'nul',
    message: string,
    readonly line?: number,
    /** For a template that does not parse: which kind of mistake. */
    readonly failure: ParseFailure = 'syntax',
  ) {
    super(message);
  }
}
