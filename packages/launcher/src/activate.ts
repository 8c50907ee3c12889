/**
 * The activation request (docs/activation.md, step 3): POST /api/v2/marble/activate over mutual
 * TLS with the launcher's self-signed certificate. The coordinator is not authenticated here,
 * as in MarbleRun: relying parties attest it, and what the marble receives is bound to its root.
 */
import { request } from 'node:https';
import { isIP } from 'node:net';
import { ConfideError, type ErrorCode, type ErrorCodeTable, isJsonObject } from '@confide/core';
import { LauncherError } from './errors.js';
import { decodeActivation, type Activation } from './answer.js';
import { formatAddress, type CoordinatorAddress } from './coordinator-address.js';
import type { LauncherTee } from './evidence/types.js';

const ACTIVATE_PATH = '/api/v2/marble/activate';
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

export interface ActivationRequest {
  marbleType: string;
  uuid: string;
  tee: LauncherTee;
  /** Base64 evidence. */
  evidence: string;
  dnsNames?: string[];
}

export interface ClientIdentity {
  certPem: string;
  keyPem: string;
}

interface RawAnswer {
  status: number;
  body: string;
}

function post(addr: CoordinatorAddress, identity: ClientIdentity, body: string, timeoutMs: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: addr.host,
        port: addr.port,
        method: 'POST',
        path: ACTIVATE_PATH,
        cert: identity.certPem,
        key: identity.keyPem,
        rejectUnauthorized: false,
        ...(isIP(addr.host) ? {} : { servername: addr.host }),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'application/json' },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The coordinator's own words from a JSend fail/error answer or a problem+json body. */
function coordinatorMessage(json: Record<string, unknown>): { code?: string; message?: string } {
  const data = isJsonObject(json['data']) ? json['data'] : {};
  const code = [data['code'], json['code']].find((c) => typeof c === 'string') as string | undefined;
  const message = [data['message'], json['message'], json['detail'], json['title']].find((m) => typeof m === 'string') as string | undefined;
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/**
 * The codes a coordinator's refusal may keep. The coordinator's codes belong to a package the
 * launcher does not load, so the caller that knows them passes them in (the CLI: every package's);
 * they must include ERR_ACTIVATION_REFUSED, the code of a refusal whose code is not among them.
 */
export type RefusalCodes = ErrorCodeTable & ErrorCodeTable<'ERR_ACTIVATION_REFUSED'>;

/**
 * The error for a refused activation: the coordinator's code when it is one of `codes`, else
 * ERR_ACTIVATION_REFUSED; `details.refused` marks it for exit code 2.
 */
function refusal(codes: RefusalCodes, where: string, status: number, code: string | undefined, message: string): ConfideError {
  const known = code !== undefined && Object.hasOwn(codes, code);
  // The usual reason: the manifest's user-defined secret has no value yet, and only a user can give it one.
  const hint = code === 'ERR_SECRET_INVALID' ? '; if a user-defined secret the marble needs is not set yet, a manifest user with WriteSecret sets it with `confide secret set`' : '';
  return new ConfideError<ErrorCode>(codes, known ? (code as ErrorCode) : 'ERR_ACTIVATION_REFUSED', `the coordinator at ${where} refused the activation (HTTP ${status}${code && !known ? ` ${code}` : ''}): ${message}${hint}`, {
    details: { refused: true, status, ...(code ? { coordinatorCode: code } : {}) },
  });
}

/** True for an error that carries the coordinator's refusal (exit code 2). */
export function isRefusal(err: unknown): boolean {
  return err instanceof ConfideError && err.details?.['refused'] === true;
}

/**
 * Posts the activation request and decodes the answer. Throws the coordinator's code when it is
 * one of `refusalCodes` (else ERR_ACTIVATION_REFUSED) marked as a refusal for a 4xx answer (JSend "fail" per the protocol), and
 * ERR_ACTIVATION_FAILED when the coordinator cannot be reached, fails, or answers outside the protocol.
 */
export async function requestActivation(
  addr: CoordinatorAddress,
  identity: ClientIdentity,
  body: ActivationRequest,
  refusalCodes: RefusalCodes,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Activation> {
  const where = formatAddress(addr);
  let raw: RawAnswer;
  try {
    raw = await post(addr, identity, JSON.stringify(body), timeoutMs);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new LauncherError('ERR_ACTIVATION_FAILED', `cannot reach the coordinator at ${where} (${why})`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.body);
  } catch {
    throw new LauncherError('ERR_ACTIVATION_FAILED', `the coordinator at ${where} answered HTTP ${raw.status} with a body that is not JSON (is it a Confide coordinator?)`);
  }
  if (!isJsonObject(json)) throw new LauncherError('ERR_ACTIVATION_FAILED', `the coordinator at ${where} answered HTTP ${raw.status} with JSON that is not an object`);
  if (raw.status === 200 && json['status'] === 'success') return decodeActivation(json['data']);
  const { code, message } = coordinatorMessage(json);
  const text = message ?? `HTTP ${raw.status} without a message`;
  // 404 and 405 mean no activation route here (wrong address or an old server), not a "no".
  if (raw.status >= 400 && raw.status < 500 && raw.status !== 404 && raw.status !== 405) throw refusal(refusalCodes, where, raw.status, code, text);
  throw new LauncherError('ERR_ACTIVATION_FAILED', `the coordinator at ${where} failed the activation (HTTP ${raw.status}${code ? ` ${code}` : ''}): ${text}`, {
    details: { status: raw.status, ...(code ? { coordinatorCode: code } : {}) },
  });
}
