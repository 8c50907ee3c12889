/**
 * Finds keys that appear twice in one JSON object. JSON.parse and Go both keep the last one,
 * so the meaning is the same, but a reviewer reading the first one would be misled.
 * Runs on text that JSON.parse already accepted.
 */
import type { PathSegment } from './violation.js';

interface Frame {
  kind: 'object' | 'array';
  keys: Set<string>;
  key: string | undefined;
  index: number;
}

/** Path of every repeated key, in document order. */
export function findDuplicateKeys(text: string): PathSegment[][] {
  const found: PathSegment[][] = [];
  const stack: Frame[] = [];
  const path = (): PathSegment[] => stack.map((f) => (f.kind === 'object' ? (f.key ?? '') : f.index));
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const str = JSON.parse(text.slice(i, j + 1)) as string;
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'object') {
        if (top.keys.has(str)) {
          top.key = str;
          found.push(path());
        }
        top.keys.add(str);
        top.key = str;
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === '{') {
      stack.push({ kind: 'object', keys: new Set(), key: undefined, index: 0 });
      expectKey = true;
    } else if (c === '[') {
      stack.push({ kind: 'array', keys: new Set(), key: undefined, index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') expectKey = true;
      else if (top) top.index++;
    }
    i++;
  }
  return found;
}
