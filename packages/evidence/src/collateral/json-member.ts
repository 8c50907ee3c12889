/**
 * Exact-substring access to a JSON document. Intel signs the bytes of the `tcbInfo` /
 * `enclaveIdentity` value exactly as served, so the value must be cut out of the response
 * text, never parsed and serialised again.
 */
import { EvidenceError } from '../errors.js';

/**
 * The exact text of the value of top-level member `name` in the JSON object `json`, or
 * undefined when there is no such member. Throws ERR_COLLATERAL_MALFORMED when `json` is not
 * a JSON object.
 */
export function topLevelMemberText(json: string, name: string): string | undefined {
  const s = new Scanner(json);
  s.ws();
  s.expect('{');
  s.ws();
  if (s.peek() === '}') return undefined;
  let found: string | undefined;
  for (;;) {
    s.ws();
    const key = s.string();
    s.ws();
    s.expect(':');
    s.ws();
    const start = s.pos;
    s.value();
    // The last occurrence wins, as in JSON.parse.
    if (key === name) found = json.slice(start, s.pos);
    s.ws();
    if (s.peek() === ',') {
      s.pos++;
      continue;
    }
    s.expect('}');
    break;
  }
  s.ws();
  if (s.pos !== json.length) s.fail('trailing text after the JSON object');
  return found;
}

/** A minimal JSON scanner that only finds where values end; decoding is left to JSON.parse. */
class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  peek(): string | undefined {
    return this.text[this.pos];
  }

  fail(why: string): never {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `not a JSON object: ${why} at offset ${this.pos}`);
  }

  ws(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos++;
  }

  expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  /** Scans a string and returns its decoded value. */
  string(): string {
    const start = this.pos;
    this.expect('"');
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('unterminated string');
      this.pos++;
      if (c === '\\') this.pos++;
      else if (c === '"') break;
    }
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      this.fail('bad string escape');
    }
  }

  value(): void {
    const c = this.peek();
    if (c === '"') {
      this.string();
      return;
    }
    if (c === '{' || c === '[') {
      this.container();
      return;
    }
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) this.fail('unexpected character');
    this.pos += m[0].length;
  }

  /** Skips a balanced object or array, stepping over strings. Structure inside is checked by JSON.parse later. */
  private container(): void {
    let depth = 0;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('unterminated object or array');
      if (c === '"') {
        this.string();
        continue;
      }
      this.pos++;
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return;
      }
    }
  }
}
