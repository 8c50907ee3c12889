/**
 * The coordinator's answers are JSend (docs/activation.md, MarbleRun's client API v2):
 * `success` carries `data`; `fail` (4xx) and `error` (5xx) carry Confide's stable code in
 * `data.code` or `code`. A failure comes back as a ConfideError with that code, so exit codes
 * and --json output name the coordinator's reason.
 */
import type { ConfideError } from '@confide/core';
import { CliError, isKnownErrorCode, type KnownErrorCode } from '../errors.js';
import type { HttpAnswer } from './http.js';
import { isJsonObject } from '@confide/core';

/** The code for an answer without a code this CLI knows, from its HTTP status. */
function codeForStatus(status: number): KnownErrorCode {
  if (status === 401) return 'ERR_UNAUTHENTICATED';
  if (status === 403) return 'ERR_FORBIDDEN';
  if (status === 404) return 'ERR_NOT_FOUND';
  if (status === 409) return 'ERR_COORDINATOR_STATE';
  if (status >= 400 && status < 500) return 'ERR_VALIDATION';
  return 'ERR_SERVICE_UNAVAILABLE';
}

/** The coordinator's failure as a ConfideError: its code when known, else one for the HTTP status. */
export function failureOf(answer: HttpAnswer, json: unknown, what: string): ConfideError {
  const record = isJsonObject(json) ? json : {};
  const data = isJsonObject(record['data']) ? record['data'] : {};
  const remoteCode = [data['code'], record['code']].find((c) => typeof c === 'string') as string | undefined;
  const message = [data['message'], record['message']].find((m) => typeof m === 'string') as string | undefined;
  const code = remoteCode !== undefined && isKnownErrorCode(remoteCode) ? remoteCode : codeForStatus(answer.status);
  const details = isJsonObject(data['details']) ? data['details'] : undefined;
  return new CliError(code, `${what}: the coordinator answered HTTP ${answer.status}: ${message ?? answer.body.toString('utf8').slice(0, 200)}`, {
    details: { status: answer.status, remote: true, ...(remoteCode ? { coordinatorCode: remoteCode } : {}), ...(details ? { coordinator: details } : {}) },
  });
}

/** `data` of a JSend success. Throws the coordinator's failure (see failureOf), ERR_SERVICE_UNAVAILABLE for a non-JSend answer. */
export function jsendData(answer: HttpAnswer, what: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(answer.body.toString('utf8'));
  } catch {
    if (answer.status >= 400) throw failureOf(answer, undefined, what);
    throw new CliError('ERR_SERVICE_UNAVAILABLE', `${what}: the coordinator answered HTTP ${answer.status} with a body that is not JSON (is this a Confide or MarbleRun coordinator?)`);
  }
  if (answer.status === 200 && isJsonObject(json) && json['status'] === 'success') return json['data'];
  if (answer.status < 400) throw new CliError('ERR_SERVICE_UNAVAILABLE', `${what}: the coordinator answered HTTP ${answer.status} outside JSend`);
  throw failureOf(answer, json, what);
}

/** A field of a JSend data object with the expected type. Throws ERR_SERVICE_UNAVAILABLE when it is missing. */
export function field<T>(data: unknown, name: string, type: 'string' | 'number' | 'object' | 'array', what: string): T {
  const value = isJsonObject(data) ? data[name] : undefined;
  const ok = type === 'array' ? Array.isArray(value) : type === 'object' ? isJsonObject(value) : typeof value === type;
  if (!ok) throw new CliError('ERR_SERVICE_UNAVAILABLE', `${what}: the coordinator's answer has no ${type} "${name}"`);
  return value as T;
}
