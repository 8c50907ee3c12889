/**
 * Finds the template actions in a File or Env value. MarbleRun runs Go's text/template; Confide
 * accepts the forms MarbleRun documents: `{{ enc ref }}`, `{{ ref | enc }}`, a string constant
 * (`{{ "{{" }}`, to write braces) and comments, with Go's `{{-`/`-}}` trim markers. Anything else
 * (if, range, variables, index ...) is reported as unsupported.
 */

/** One `{{ ... }}` action. */
export type TemplateAction =
  | { kind: 'ref'; encoding: string | undefined; ref: string[]; text: string; offset: number }
  | { kind: 'literal'; value: string; text: string; offset: number }
  | { kind: 'comment'; text: string; offset: number }
  | { kind: 'error'; error: 'syntax' | 'unsupported'; message: string; text: string; offset: number };

type Token = { t: 'field'; path: string[] } | { t: 'ident'; name: string } | { t: 'pipe' } | { t: 'string'; value: string } | { t: 'other'; text: string };

/** Go template keywords: control structures Confide does not run. */
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil']);
const IDENT = /[\p{L}_][\p{L}\p{N}_]*/uy;
const SPACE = /\s/u;

function lex(body: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (SPACE.test(c)) {
      i++;
    } else if (c === '|') {
      tokens.push({ t: 'pipe' });
      i++;
    } else if (c === '.') {
      const path: string[] = [];
      while (body[i] === '.') {
        IDENT.lastIndex = i + 1;
        const m = IDENT.exec(body);
        if (!m) return `bad field name after "." at ${i}`;
        path.push(m[0]);
        i = IDENT.lastIndex;
      }
      tokens.push({ t: 'field', path });
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < body.length && body[j] !== c) j += c === '"' && body[j] === '\\' ? 2 : 1;
      if (j >= body.length) return 'unterminated string constant';
      const raw = body.slice(i, j + 1);
      let value: string;
      try {
        value = c === '`' ? raw.slice(1, -1) : (JSON.parse(raw) as string);
      } catch {
        return `bad string constant ${raw}`;
      }
      tokens.push({ t: 'string', value });
      i = j + 1;
    } else {
      IDENT.lastIndex = i;
      const m = IDENT.exec(body);
      if (m) {
        tokens.push({ t: 'ident', name: m[0] });
        i = IDENT.lastIndex;
      } else {
        let j = i + 1;
        while (j < body.length && !SPACE.test(body[j]!) && !'|."`'.includes(body[j]!)) j++;
        tokens.push({ t: 'other', text: body.slice(i, j) });
        i = j;
      }
    }
  }
  return tokens;
}

function classify(body: string, text: string, offset: number): TemplateAction {
  const trimmed = body.trim();
  if (trimmed.startsWith('/*')) {
    if (!trimmed.endsWith('*/')) return { kind: 'error', error: 'syntax', message: 'unclosed comment', text, offset };
    return { kind: 'comment', text, offset };
  }
  const tokens = lex(body);
  if (typeof tokens === 'string') return { kind: 'error', error: 'syntax', message: tokens, text, offset };
  const [a, b, c] = tokens;
  if (tokens.some((t) => t.t === 'ident' && KEYWORDS.has(t.name))) return { kind: 'error', error: 'unsupported', message: `unsupported template action ${text}`, text, offset };
  if (tokens.length === 0) return { kind: 'error', error: 'syntax', message: 'empty action', text, offset };
  if (tokens.length === 1 && a?.t === 'string') return { kind: 'literal', value: a.value, text, offset };
  if (tokens.length === 1 && a?.t === 'field') return { kind: 'ref', encoding: undefined, ref: a.path, text, offset };
  if (tokens.length === 2 && a?.t === 'ident' && b?.t === 'field') return { kind: 'ref', encoding: a.name, ref: b.path, text, offset };
  if (tokens.length === 3 && a?.t === 'field' && b?.t === 'pipe' && c?.t === 'ident') return { kind: 'ref', encoding: c.name, ref: a.path, text, offset };
  return { kind: 'error', error: 'unsupported', message: `unsupported template action ${text}`, text, offset };
}

/** Every action in `data`, in order. A `{{` without `}}` gives one syntax error and ends the scan. */
export function scanTemplate(data: string): TemplateAction[] {
  const out: TemplateAction[] = [];
  let i = 0;
  for (;;) {
    const open = data.indexOf('{{', i);
    if (open < 0) return out;
    let start = open + 2;
    // "{{- " trims space before the action; the dash needs a space after it.
    if (data[start] === '-' && SPACE.test(data[start + 1] ?? '')) start += 1;
    // Find "}}" outside string constants.
    let j = start;
    let close = -1;
    while (j < data.length) {
      const ch = data[j]!;
      if (ch === '"' || ch === '`') {
        let k = j + 1;
        while (k < data.length && data[k] !== ch) k += ch === '"' && data[k] === '\\' ? 2 : 1;
        j = k + 1;
        continue;
      }
      if (ch === '*' && data[j - 1] === '/' && j - 1 >= start) {
        // inside a comment, "}}" only counts after "*/"
        const end = data.indexOf('*/', j + 1);
        j = end < 0 ? data.length : end + 2;
        continue;
      }
      if (ch === '}' && data[j + 1] === '}') {
        close = j;
        break;
      }
      j++;
    }
    if (close < 0) {
      out.push({ kind: 'error', error: 'syntax', message: 'unclosed action: "{{" without "}}"', text: data.slice(open, open + 40), offset: open });
      return out;
    }
    let end = close;
    if (data[end - 1] === '-' && SPACE.test(data[end - 2] ?? '')) end -= 1;
    const text = data.slice(open, close + 2);
    out.push(classify(data.slice(start, end), text, open));
    i = close + 2;
  }
}
