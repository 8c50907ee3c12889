/** Rendering a marble's Parameters at activation: Files and Env through templates, Argv as is. */
import { CoordinatorError } from '../errors.js';
import { TemplateError, type TemplateTarget } from './ast.js';
import { parseTemplate } from './parse.js';
import { executeTemplate } from './execute.js';
import { encodeCertificate } from './encoders.js';
import { fileData, type FileInput } from './file-data.js';
import { NeedsCertificate, PendingCertificate, type CertificateEncoding } from './pending-certificate.js';
import { binaryToBytes, rootValue, type TemplateContext, type Value } from './values.js';

/** A marble's Parameters as in the manifest (each part optional). */
export interface ParametersInput {
  Files?: Record<string, FileInput>;
  Env?: Record<string, FileInput>;
  Argv?: readonly string[];
}

export interface RenderedParameters {
  files: Record<string, Uint8Array>;
  env: Record<string, Uint8Array>;
  argv: string[];
}

/** How template errors map to codes: at activation an empty value is a secret problem; in a dry run it is a manifest problem. */
export type ErrorMode = 'runtime' | 'dry-run';

/** The ConfideError for a TemplateError at `path`; other errors pass through unchanged. */
function templateFailure(err: unknown, path: string, mode: ErrorMode): unknown {
  if (!(err instanceof TemplateError)) return err;
  const where = err.line !== undefined ? `${path}: line ${err.line}: ` : `${path}: `;
  const code = mode === 'runtime' && err.kind !== 'invalid' ? 'ERR_SECRET_INVALID' : 'ERR_MANIFEST_INVALID';
  return new CoordinatorError(code, where + err.message, { details: { path, ...(err.line !== undefined ? { line: err.line } : {}) } });
}

/** Renders one entry; the data is decoded first, NoTemplates leaves it as decoded. Throws ConfideError. */
export function renderEntry(input: FileInput, target: TemplateTarget, root: Value, path: string, mode: ErrorMode): Uint8Array {
  try {
    const { data, noTemplates } = fileData(input);
    if (target === 'env' && data.includes('\0')) throw new TemplateError('invalid', 'the environment value contains NUL bytes');
    const out = noTemplates ? binaryToBytes(data) : executeTemplate(parseTemplate(data, target), root);
    if (target === 'env' && out.includes(0)) throw new TemplateError('nul', 'the rendered environment value contains NUL bytes');
    return out;
  } catch (err) {
    throw templateFailure(err, path, mode);
  }
}

/**
 * Renders Files and Env for one activation and copies Argv (MarbleRun does not template Argv).
 * Errors name the entry: `<prefix>.Files.<path>` with prefix `Marbles.<marbleName>.Parameters`
 * when `marbleName` is given. Throws ERR_MANIFEST_INVALID for a template error, and
 * ERR_SECRET_INVALID when a referenced secret is unset (user-defined, not uploaded yet) or a
 * secret would put a NUL byte into an environment variable.
 */
export function renderParameters(parameters: ParametersInput, context: TemplateContext, options: { marbleName?: string } = {}): RenderedParameters {
  const prefix = options.marbleName !== undefined ? `Marbles.${options.marbleName}.Parameters` : 'Parameters';
  const root = rootValue(context);
  const render = (entries: Record<string, FileInput> | undefined, target: TemplateTarget, section: string) => {
    const out: Record<string, Uint8Array> = {};
    for (const name of Object.keys(entries ?? {}).sort()) {
      out[name] = renderEntry(entries![name]!, target, root, `${prefix}.${section}.${name}`, 'runtime');
    }
    return out;
  };
  return { files: render(parameters.Files, 'file', 'Files'), env: render(parameters.Env, 'env', 'Env'), argv: [...(parameters.Argv ?? [])] };
}

/**
 * renderParameters before the marble certificate is signed (pending-certificate.ts): a function
 * that puts the certificate in and returns what renderParameters with it returns, or undefined
 * when a template reads more of the certificate than an encoding of it (then render with it
 * once it is signed). Throws as renderParameters, the errors it would throw with the
 * certificate: an entry that reads the certificate stops the rendering before any later one.
 */
export function renderParametersAhead(
  parameters: ParametersInput,
  context: TemplateContext,
  options: { marbleName?: string } = {},
): ((certificate: Uint8Array) => RenderedParameters) | undefined {
  const pending = context.marbleRun.marbleCert.cert;
  if (!(pending instanceof PendingCertificate)) throw new TypeError('renderParametersAhead: the context has the certificate already');
  let rendered: RenderedParameters;
  try {
    rendered = renderParameters(parameters, context, options);
  } catch (err) {
    if (err instanceof NeedsCertificate) return undefined;
    throw err;
  }
  return (certificate) => {
    const encodings = new Map<CertificateEncoding, string>();
    const encode = (encoding: CertificateEncoding) => encodings.get(encoding) ?? encodings.set(encoding, encodeCertificate(encoding, certificate)).get(encoding)!;
    const complete = (entries: Record<string, Uint8Array>) => Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name, pending.complete(bytes, encode)]));
    return { files: complete(rendered.files), env: complete(rendered.env), argv: rendered.argv };
  };
}
