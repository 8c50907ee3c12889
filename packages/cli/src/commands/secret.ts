/**
 * `confide secret get|set`: user-defined and shared secrets, as the user's roles allow
 * (MarbleRun's `secret` commands; the JSON map format is MarbleRun's UserSecret).
 */
import type { Command } from 'commander';
import { fromBase64, pemEncode } from '@confide/core';
import { CliError } from '../errors.js';
import type { Output } from '../output.js';
import { CoordinatorClient } from '../client/coordinator-client.js';
import { addConnectionOptions, openConnection, type ConnectionFlags } from '../client/connection.js';
import { readInput, readJsonInput, writeOutput } from '../client/files.js';
import { SUMMARIES } from './summaries.js';

interface SecretFlags extends ConnectionFlags {
  out?: string;
  fromPem?: string;
}

/** A secret as GET /api/v2/secrets returns it: Go's encoding of MarbleRun's manifest.Secret (bytes base64, null when absent). */
export interface SecretView {
  Type?: string;
  Cert?: string | null;
  Public?: string | null;
  Private?: string | null;
}

function pem(label: string, base64: string): string {
  return pemEncode(label, fromBase64(base64)).trimEnd();
}

/** Text for a human: certificates and keys as PEM, plain data as text when it is printable. Exported for tests. */
export function describeSecret(name: string, view: SecretView): string {
  const type = view.Type;
  const lines = [`${name}:`, `  type  ${type ?? 'unknown'}`];
  if (view.Cert) lines.push(pem('CERTIFICATE', view.Cert));
  // Plain data and symmetric keys sit in both halves (MarbleRun's format): the public half is no key to armour.
  const keyMaterial = type !== 'plain' && type !== 'symmetric-key';
  if (view.Public && keyMaterial) lines.push(pem('PUBLIC KEY', view.Public));
  const secret = view.Private;
  if (secret) {
    if (type === 'plain') {
      const text = Buffer.from(secret, 'base64').toString('utf8');
      lines.push(/^[\x20-\x7e\t\r\n]*$/.test(text) ? `  data  ${text}` : `  data (base64)  ${secret}`);
    } else if (type === 'symmetric-key') lines.push(`  key (base64)  ${secret}`);
    else lines.push(pem('PRIVATE KEY', secret));
  }
  return lines.join('\n');
}

/** MarbleRun's --from-pem: a certificate and/or private key from one PEM file. Throws ERR_INPUT_UNREADABLE. */
function secretFromPem(name: string, text: string): Record<string, unknown> {
  const blocks = text.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g) ?? [];
  const cert = blocks.find((b) => b.startsWith('-----BEGIN CERTIFICATE-----'));
  const key = blocks.find((b) => /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(b));
  if (!cert && !key) throw new CliError('ERR_INPUT_UNREADABLE', '--from-pem: the file holds no certificate or private key in PEM');
  return { [name]: { ...(cert ? { Cert: cert + '\n' } : {}), ...(key ? { Private: key + '\n' } : {}) } };
}

export function secretCommand(program: Command, output: () => Output): void {
  const secret = program.command('secret').description(SUMMARIES.secret);

  addConnectionOptions(
    secret
      .command('get')
      .description('Print the named secrets (the user needs ReadSecret on each). Exit 2 when a role does not allow it.')
      .argument('<name...>', 'secret names from the manifest')
      .option('--out <file>', 'write the secrets as JSON (mode 0600) instead of printing them'),
    { user: true },
  ).action(
    async (names: string[], opts: SecretFlags) => {
      const client = new CoordinatorClient(await openConnection(opts, { needUser: true }));
      const secrets = await client.secrets(names);
      if (opts.out !== undefined) await writeOutput(opts.out, JSON.stringify(secrets, null, 2) + '\n', { secret: true });
      output().result(
        { ok: true, ...(opts.out !== undefined ? { out: opts.out, names: Object.keys(secrets) } : { secrets }) },
        opts.out !== undefined ? `Secrets ${Object.keys(secrets).join(', ')} written to ${opts.out}.` : Object.entries(secrets).map(([n, v]) => describeSecret(n, v as SecretView)).join('\n'),
      );
    },
  );

  addConnectionOptions(
    secret
      .command('set')
      .description('Upload user-defined secrets (the user needs WriteSecret on each). Exit 2 when a role does not allow it.')
      .argument('<file>', 'JSON map of secret name to {"Cert", "Private"} (PEM or base64 DER), {"Key"} (base64) or {"Data"} (text for plain secrets); or PEM with --from-pem')
      .option('--from-pem <name>', 'the file is PEM (certificate and/or private key) for this one secret'),
    { user: true },
  ).action(
    async (file: string, opts: SecretFlags) => {
      let secrets: Record<string, unknown>;
      if (opts.fromPem !== undefined) secrets = secretFromPem(opts.fromPem, Buffer.from(await readInput(file, 'secret file')).toString('utf8'));
      else {
        const value = await readJsonInput(file, 'secret file');
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('ERR_INPUT_UNREADABLE', `secret file ${file}: not a JSON object of secret names`);
        secrets = value as Record<string, unknown>;
      }
      const client = new CoordinatorClient(await openConnection(opts, { needUser: true }));
      await client.setSecrets(secrets);
      output().result({ ok: true, names: Object.keys(secrets) }, `Secret${Object.keys(secrets).length === 1 ? '' : 's'} ${Object.keys(secrets).join(', ')} set.`);
    },
  );
}
