/**
 * `confide key create|list|get|delete`: the common key tasks against a vault's keys API (the
 * same requests the Azure Key Vault client sends). Each prints a summary, or the service's JSON
 * with --json.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { CliError } from '../errors.js';
import type { Output } from '../output.js';
import { addKeyVaultOptions, KeyVaultClient, type KeyVaultFlags, type WireKeyBundle, type WireKeyItem, type WirePage } from '../client/keyvault-client.js';
import { SUMMARIES } from './summaries.js';
import { keyReleaseCommands } from './key-release.js';

interface CreateFlags extends KeyVaultFlags {
  kty: string;
  size?: string;
  curve?: string;
  ops?: string;
  tag?: string[];
  exportable?: boolean;
  policy?: string;
  immutable?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function tagsOf(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  return Object.fromEntries(
    pairs.map((p) => {
      const at = p.indexOf('=');
      if (at <= 0) throw new CliError('ERR_USAGE', `--tag ${p}: expected name=value`);
      return [p.slice(0, at), p.slice(at + 1)];
    }),
  );
}

async function policyOf(path: string | undefined, immutable: boolean | undefined): Promise<Record<string, unknown> | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
    JSON.parse(text);
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `--policy ${path}: ${err instanceof SyntaxError ? 'not JSON' : ((err as NodeJS.ErrnoException).code ?? (err as Error).message)}`);
  }
  return { contentType: 'application/json; charset=utf-8', data: Buffer.from(text).toString('base64url'), immutable: immutable === true };
}

const summaryOf = (bundle: WireKeyBundle): string =>
  `${bundle.key.kid}\n  type ${bundle.key.kty}${bundle.key.crv ? ` ${bundle.key.crv}` : ''}, operations ${(bundle.key.key_ops ?? []).join(', ') || 'none'}, ${bundle.attributes.enabled ? 'enabled' : 'disabled'}${bundle.attributes.exportable ? ', exportable' : ''}${bundle.release_policy ? `, release policy${bundle.release_policy.immutable ? ' (immutable)' : ''}` : ''}`;

export function keyCommand(program: Command, output: () => Output): void {
  const key = program.command('key').description(SUMMARIES.key);

  addKeyVaultOptions(
    key
      .command('create <name>')
      .description('Create a key: RSA or RSA-HSM (2048, 3072, 4096), EC or EC-HSM (P-256, P-384, P-521), oct-HSM (128, 192, 256).')
      .addOption(new Option('--kty <type>', 'key type').choices(['RSA', 'RSA-HSM', 'EC', 'EC-HSM', 'oct', 'oct-HSM']).default('RSA-HSM'))
      .option('--size <bits>', 'RSA modulus or oct key size')
      .option('--curve <name>', 'EC curve (P-256, P-384, P-521)')
      .option('--ops <list>', 'comma-separated key_ops (default: all the type allows)')
      .option('--tag <name=value>', 'a tag (repeatable)', collect)
      .option('--exportable', 'the private key may be released to an attested workload (needs --policy)')
      .option('--policy <file>', 'release policy JSON file')
      .option('--immutable', 'the release policy can never change'),
  ).action(async (name: string, flags: CreateFlags) => {
    const size = flags.size === undefined ? undefined : Number(flags.size);
    if (size !== undefined && !Number.isInteger(size)) throw new CliError('ERR_USAGE', `--size ${flags.size}: not a number of bits`);
    const body = {
      kty: flags.kty,
      ...(size !== undefined ? { key_size: size } : {}),
      ...(flags.curve ? { crv: flags.curve } : {}),
      ...(flags.ops ? { key_ops: flags.ops.split(',').map((s) => s.trim()) } : {}),
      ...(flags.tag ? { tags: tagsOf(flags.tag) } : {}),
      ...(flags.exportable ? { attributes: { exportable: true } } : {}),
      ...(flags.policy ? { release_policy: await policyOf(flags.policy, flags.immutable) } : {}),
    };
    const bundle = await (await KeyVaultClient.open(flags)).call<WireKeyBundle>('POST', `/keys/${encodeURIComponent(name)}/create`, body);
    output().result({ ok: true, key: bundle }, `created ${summaryOf(bundle)}`);
  });

  addKeyVaultOptions(key.command('list').description('List the keys (latest version of each) and, with --deleted, the deleted keys.').option('--deleted', 'list deleted keys instead')).action(
    async (flags: KeyVaultFlags & { deleted?: boolean }) => {
      const client = await KeyVaultClient.open(flags);
      const items: WireKeyItem[] = [];
      let path: string | null = flags.deleted ? '/deletedkeys' : '/keys';
      // Follow nextLink on the same server: only its path and query are taken.
      while (path) {
        const page: WirePage = await client.call<WirePage>('GET', path);
        items.push(...(page.value ?? []));
        path = page.nextLink ? (({ pathname, search }) => `${pathname}${search.replace(/[?&]api-version=[^&]*/, '').replace(/^&/, '?')}`)(new URL(page.nextLink)) : null;
      }
      const lines = items.map((i) => `${i.kid}  ${i.attributes.enabled ? 'enabled' : 'disabled'}${i.deletedDate ? `  deleted ${new Date(i.deletedDate * 1000).toISOString()}` : ''}`);
      output().result({ ok: true, keys: items }, lines.length ? lines.join('\n') : flags.deleted ? 'no deleted keys' : 'no keys');
    },
  );

  addKeyVaultOptions(key.command('get <name>').description('Show a key (the latest version, or --key-version).').option('--key-version <id>', 'a version (--version is the program version)')).action(
    async (name: string, flags: KeyVaultFlags & { keyVersion?: string }) => {
      const bundle = await (await KeyVaultClient.open(flags)).call<WireKeyBundle>('GET', `/keys/${encodeURIComponent(name)}/${flags.keyVersion ? encodeURIComponent(flags.keyVersion) : ''}`);
      output().result({ ok: true, key: bundle }, summaryOf(bundle));
    },
  );

  addKeyVaultOptions(
    key
      .command('delete <name>')
      .description('Delete a key (soft delete: recoverable for 90 days); --purge then removes it for good.')
      .option('--purge', 'purge it right after deleting it (it cannot be recovered)'),
  ).action(async (name: string, flags: KeyVaultFlags & { purge?: boolean }) => {
    const client = await KeyVaultClient.open(flags);
    const deleted = await client.call<WireKeyBundle>('DELETE', `/keys/${encodeURIComponent(name)}`);
    if (flags.purge) await client.call('DELETE', `/deletedkeys/${encodeURIComponent(name)}`);
    const until = new Date((deleted.scheduledPurgeDate ?? 0) * 1000).toISOString();
    output().result({ ok: true, deleted, purged: flags.purge === true }, flags.purge ? `deleted and purged ${name}` : `deleted ${name} (recoverable until ${until})`);
  });

  keyReleaseCommands(key, output);
}
