/**
 * Go's text/template as MarbleRun manifests may use it (text/template/parse): text, comments,
 * trim markers, actions with pipelines, variables, `if`/`else if`/`else`, `range` (with
 * `break`/`continue`), `with`/`else with`, and the constants Go knows. `define`, `template` and
 * `block` (several named templates) are refused: MarbleRun executes one template per entry.
 * Strings are "binary strings" (one char per byte) so template text and literals keep their
 * exact bytes.
 */
export type Operand =
  | { kind: 'field'; path: string[] }
  | { kind: 'dot' }
  | { kind: 'variable'; name: string; path: string[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; float: boolean; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'function'; name: string }
  | { kind: 'paren'; pipeline: Pipeline; path: string[] };

/** Words of one command; a command whose first word is a function calls it with the rest. */
export type Command = Operand[];

/** Commands joined by `|`; each command's value becomes the last argument of the next. `$x := …` declares, `$x = …` assigns. */
export interface Pipeline {
  commands: Command[];
  vars: string[];
  assign: boolean;
}

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Pipeline; line: number }
  | { kind: 'if' | 'with'; pipeline: Pipeline; then: TemplateNode[]; otherwise: TemplateNode[] | undefined; line: number }
  | { kind: 'range'; pipeline: Pipeline; body: TemplateNode[]; otherwise: TemplateNode[] | undefined; line: number }
  | { kind: 'break' | 'continue'; line: number };

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
