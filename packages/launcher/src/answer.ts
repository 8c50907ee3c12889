/**
 * Reads the coordinator's activation answer (docs/activation.md, step 5) into what the launcher
 * applies: decoded files, environment and argv. Anything outside the protocol is refused
 * before a single file is written.
 */
import type { ConfideError } from '@confide/core';
import { LauncherError } from './errors.js';
import { isJsonObject } from '@confide/core';

export interface Activation {
  /** PEM: the marble leaf, then the coordinator intermediate. */
  certificate: string;
  /** PEM PKCS#8 of the marble certificate's key. */
  privateKey: string;
  /** PEM of the coordinator root. */
  rootCertificate: string;
  /** Path -> bytes, in the answer's order. */
  files: Array<[string, Uint8Array]>;
  /** Name -> value, decoded UTF-8. */
  env: Record<string, string>;
  /** Replaces the whole command line, argv[0] included, when non-empty. */
  argv: string[];
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(message: string): ConfideError {
  return new LauncherError('ERR_ACTIVATION_FAILED', `the coordinator's activation answer is not valid: ${message}`);
}

function pemString(data: Record<string, unknown>, name: string): string {
  const v = data[name];
  if (typeof v !== 'string' || !v.includes('-----BEGIN ')) throw invalid(`${name} is not a PEM string`);
  return v;
}

function base64(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) throw invalid(`${what} is not base64`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}

function map(params: Record<string, unknown>, name: string): Record<string, unknown> {
  const v = params[name];
  if (v === undefined || v === null) return {};
  if (!isJsonObject(v)) throw invalid(`parameters.${name} is not an object`);
  return v;
}

function decodeEnv(raw: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name === '' || name.includes('=') || name.includes('\0')) throw invalid(`environment variable name ${JSON.stringify(name)} is not allowed`);
    const bytes = base64(value, `env ${name}`);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw invalid(`env ${name} is not valid UTF-8`);
    }
    // execve takes C strings: a NUL would silently cut the value short.
    if (text.includes('\0')) throw invalid(`env ${name} contains a NUL byte`);
    env[name] = text;
  }
  return env;
}

function decodeFiles(raw: Record<string, unknown>): Array<[string, Uint8Array]> {
  return Object.entries(raw).map(([path, value]) => {
    if (path === '' || path.includes('\0')) throw invalid(`file path ${JSON.stringify(path)} is not allowed`);
    return [path, base64(value, `file ${path}`)];
  });
}

function decodeArgv(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.some((a) => typeof a !== 'string' || a.includes('\0'))) throw invalid('parameters.argv is not an array of strings without NUL bytes');
  return raw as string[];
}

/** Decodes the `data` of a JSend success answer. Throws ERR_ACTIVATION_FAILED. */
export function decodeActivation(data: unknown): Activation {
  if (!isJsonObject(data)) throw invalid('data is not an object');
  const params = data['parameters'] === undefined || data['parameters'] === null ? {} : data['parameters'];
  if (!isJsonObject(params)) throw invalid('parameters is not an object');
  return {
    certificate: pemString(data, 'certificate'),
    privateKey: pemString(data, 'privateKey'),
    rootCertificate: pemString(data, 'rootCertificate'),
    files: decodeFiles(map(params, 'files')),
    env: decodeEnv(map(params, 'env')),
    argv: decodeArgv(params['argv']),
  };
}
