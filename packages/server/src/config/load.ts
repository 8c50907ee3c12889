/**
 * Loads the configuration once at start: defaults < config file < environment < flags.
 * Every value is validated against the schema; a bad one throws ERR_CONFIG_INVALID naming the key.
 */
import { readFileSync } from 'node:fs';
import type { ConfideError } from '@confide/core';
import { ServerError } from '../errors/index.js';
import { CONFIG_SCHEMA, type Config, type ConfigKey } from './schema.js';
import { isJsonObject } from '@confide/core';

export interface ConfigSources {
  /** Path of a JSON config file (`--config`). */
  file?: string | undefined;
  /** The environment to read CONFIDE_* from. */
  env?: Record<string, string | undefined>;
  /** Flag values keyed by config key (already parsed by the CLI). */
  flags?: Record<string, unknown>;
}

/** Where each value came from, for `confide config show`. */
export type ConfigOrigin = 'default' | 'file' | 'env' | 'flag';

function getPath(obj: Record<string, unknown>, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    cur[part] ??= {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

function invalid(key: ConfigKey, origin: string, message: string): ConfideError {
  return new ServerError('ERR_CONFIG_INVALID', `${key.key} (from ${origin}): ${message}`, { details: { key: key.key, origin } });
}

/** Coerces one raw value (a string from env/flags, or a JSON value from the file) to the key's type. */
function coerce(key: ConfigKey, raw: unknown, origin: string): unknown {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (key.type) {
    case 'string':
    case 'path':
      if (typeof text !== 'string' || text === '') throw invalid(key, origin, 'expected a non-empty string');
      return text;
    case 'boolean':
      if (typeof text === 'boolean') return text;
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw invalid(key, origin, 'expected true or false');
    case 'integer':
    case 'port': {
      const n = typeof text === 'number' ? text : typeof text === 'string' && /^-?\d+$/.test(text) ? Number(text) : NaN;
      const [min, max] = key.type === 'port' ? [0, 65535] : [key.min ?? -Infinity, key.max ?? Infinity];
      if (!Number.isSafeInteger(n)) throw invalid(key, origin, `expected an integer, got ${JSON.stringify(raw)}`);
      if (n < min || n > max) throw invalid(key, origin, `must be between ${min} and ${max}, got ${n}`);
      return n;
    }
    case 'enum':
      if (typeof text !== 'string' || !key.values?.includes(text)) {
        throw invalid(key, origin, `expected one of ${key.values?.join(', ')}, got ${JSON.stringify(raw)}`);
      }
      return text;
    case 'list': {
      // A string is a comma-separated list; an array (file, repeated flag) may hold such strings too.
      const parts = typeof text === 'string' ? [text] : Array.isArray(text) && text.every((v) => typeof v === 'string') ? (text as string[]) : undefined;
      if (parts === undefined) throw invalid(key, origin, 'expected a string or a list of strings');
      const list = parts.flatMap((p) => p.split(',')).map((s) => s.trim()).filter(Boolean);
      if (list.length < (key.min ?? 0)) throw invalid(key, origin, `expected at least ${key.min} entr${key.min === 1 ? 'y' : 'ies'}`);
      return list;
    }
  }
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ServerError('ERR_CONFIG_FILE_UNREADABLE', `cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ServerError('ERR_CONFIG_FILE_UNREADABLE', `config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ServerError('ERR_CONFIG_FILE_UNREADABLE', `config file ${path} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

const KNOWN_KEYS: ReadonlySet<string> = new Set(CONFIG_SCHEMA.map((k) => k.key));

/** True when `dotted` is a section (tls, attestation.auth) rather than a key. */
function isSection(dotted: string): boolean {
  return [...KNOWN_KEYS].some((k) => k.startsWith(dotted + '.'));
}

/** "tls.cert" written as {"tls": {"cert": …}}, for messages. */
function nestedForm(dotted: string): string {
  const parts = dotted.split('.');
  return parts.reduceRight((inner, part) => `{"${part}": ${inner}}`, '…');
}

/**
 * Checks the file's shape against the schema: a dotted key ("tls.cert") is refused naming its
 * nested form, a section that is not an object is a type error, and unknown keys are listed.
 * Throws ERR_CONFIG_INVALID.
 */
function checkFileShape(obj: Record<string, unknown>, file: string | undefined, prefix = '', stray: string[] = []): string[] {
  for (const [k, v] of Object.entries(obj)) {
    const dotted = prefix + k;
    if (k.includes('.') && (KNOWN_KEYS.has(dotted) || isSection(dotted))) {
      throw new ServerError('ERR_CONFIG_INVALID', `config file ${file}: "${k}" is written dotted; a config file nests it: ${nestedForm(dotted)}`, { details: { key: dotted } });
    }
    if (KNOWN_KEYS.has(dotted)) continue;
    if (isSection(dotted)) {
      if (!isJsonObject(v)) {
        throw new ServerError('ERR_CONFIG_INVALID', `${dotted} (from config file ${file}): expected an object of ${dotted}.* keys, got ${JSON.stringify(v)}`, { details: { key: dotted } });
      }
      checkFileShape(v, file, dotted + '.', stray);
    } else stray.push(dotted);
  }
  return stray;
}

/** Loads and validates. Throws ERR_CONFIG_INVALID, ERR_CONFIG_FILE_UNREADABLE, ERR_PRODUCTION_REFUSED. */
export function loadConfig(sources: ConfigSources = {}): { config: Config; origins: Record<string, ConfigOrigin> } {
  const file = sources.file === undefined ? {} : readFile(sources.file);
  const stray = checkFileShape(file, sources.file);
  if (stray.length > 0) {
    throw new ServerError('ERR_CONFIG_INVALID', `unknown key${stray.length > 1 ? 's' : ''} in config file ${sources.file}: ${stray.join(', ')}`, {
      details: { key: stray[0] },
    });
  }
  const env = sources.env ?? {};
  const flags = sources.flags ?? {};
  const out: Record<string, unknown> = {};
  const origins: Record<string, ConfigOrigin> = {};

  for (const key of CONFIG_SCHEMA as readonly ConfigKey[]) {
    let value: unknown = key.default;
    let origin: ConfigOrigin = 'default';
    const fromFile = getPath(file, key.key);
    if (fromFile !== undefined) [value, origin] = [coerce(key, fromFile, `config file ${sources.file}`), 'file'];
    const fromEnv = env[key.env];
    if (fromEnv !== undefined && fromEnv !== '') [value, origin] = [coerce(key, fromEnv, key.env), 'env'];
    const fromFlag = flags[key.key];
    if (fromFlag !== undefined) [value, origin] = [coerce(key, fromFlag, key.flag ?? key.key), 'flag'];
    setPath(out, key.key, value);
    origins[key.key] = origin;
  }

  const config = out as unknown as Config;
  if (config.mode === 'production') {
    const refusals = (CONFIG_SCHEMA as readonly ConfigKey[])
      .map((key) => ({ key: key.key, reason: key.devOnly?.(getPath(out, key.key), out, origins[key.key] ?? 'default') }))
      .filter((r): r is { key: string; reason: string } => r.reason !== undefined);
    if (refusals.length > 0) {
      throw new ServerError('ERR_PRODUCTION_REFUSED', refusals.map((r) => `${r.key}: ${r.reason}`).join('; '), {
        details: { keys: refusals.map((r) => r.key) },
      });
    }
  }
  return { config, origins };
}
