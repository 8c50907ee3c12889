/**
 * Reads decoded JSON the way Go's encoding/json fills a struct: keys match field names
 * case-insensitively (exact spelling preferred), unknown keys are ignored, null leaves a field
 * unset, and a value of the wrong type is an error. Here the ignored keys become warnings and
 * every type error is collected instead of stopping at the first.
 */
import { record, type PathSegment, type ViolationList } from './violation.js';
import { didYouMean } from './did-you-mean.js';

export type JsonObject = Record<string, unknown>;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class JsonReader {
  constructor(readonly v: ViolationList) {}

  mismatch(at: readonly PathSegment[], expected: string, value: unknown): undefined {
    this.v.error('type.mismatch', at, `expected ${expected}, got ${kindOf(value)}`);
    return undefined;
  }

  /**
   * The fields of a struct-like object, by canonical name. Undefined when the value is absent or
   * null (Go leaves the struct zero) or not an object (a type error).
   */
  fields(value: unknown, at: readonly PathSegment[], names: readonly string[], ignored: readonly string[] = []): Map<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isJsonObject(value)) return this.mismatch(at, 'an object', value);
    const out = new Map<string, unknown>();
    for (const [key, item] of Object.entries(value)) {
      let name = names.find((n) => n === key);
      if (name === undefined) {
        const lower = key.toLowerCase();
        name = names.find((n) => n.toLowerCase() === lower);
        if (name !== undefined) this.v.warn('json.key-case', [...at, key], `"${key}" is read as ${name}`);
      }
      if (name === undefined) {
        const known = ignored.find((n) => n.toLowerCase() === key.toLowerCase());
        const meant = known ? undefined : didYouMean(key, names);
        this.v.warn('json.unknown-key', [...at, key], known ? `${known} is not read from a manifest; ignored` : `unknown key "${key}" ignored${meant ? `; did you mean "${meant}"?` : ''}`);
        continue;
      }
      out.set(name, item);
    }
    return out;
  }

  string(value: unknown, at: readonly PathSegment[]): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return this.mismatch(at, 'a string', value);
    return value;
  }

  bool(value: unknown, at: readonly PathSegment[]): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') return this.mismatch(at, 'a boolean', value);
    return value;
  }

  /** An unsigned integer up to `max` (Go uint, uint16, uint64 ... within JS's exact range). */
  uint(value: unknown, at: readonly PathSegment[], max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number') return this.mismatch(at, 'a number', value);
    if (!Number.isInteger(value) || value < 0 || value > max) {
      this.v.error('type.out-of-range', at, `expected an integer 0..${max}, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** A signed integer (Go int). */
  int(value: unknown, at: readonly PathSegment[]): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number') return this.mismatch(at, 'a number', value);
    if (!Number.isSafeInteger(value)) {
      this.v.error('type.out-of-range', at, `expected an integer, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** A list; null gives undefined. Items of the wrong type are reported and dropped. */
  list<T>(value: unknown, at: readonly PathSegment[], item: (v: unknown, at: PathSegment[]) => T | undefined): T[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) return this.mismatch(at, 'an array', value);
    const out: T[] = [];
    value.forEach((v, i) => {
      const got = item(v, [...at, i]);
      if (got !== undefined) out.push(got);
    });
    return out;
  }

  strings(value: unknown, at: readonly PathSegment[]): string[] | undefined {
    // Go decodes a null item of []string as ""; keep that.
    return this.list(value, at, (v, p) => (v === null ? '' : this.string(v, p)));
  }

  uints(value: unknown, at: readonly PathSegment[]): number[] | undefined {
    return this.list(value, at, (v, p) => (v === null ? 0 : this.uint(v, p)));
  }

  /** A map of named entries into a null-prototype record. */
  map<T>(value: unknown, at: readonly PathSegment[], entry: (v: unknown, at: PathSegment[], name: string) => T | undefined): Record<string, T> {
    const out = record<T>();
    if (value === undefined || value === null) return out;
    if (!isJsonObject(value)) {
      this.mismatch(at, 'an object', value);
      return out;
    }
    for (const [name, v] of Object.entries(value)) {
      const got = entry(v, [...at, name], name);
      if (got !== undefined) out[name] = got;
    }
    return out;
  }
}
