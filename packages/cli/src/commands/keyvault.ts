/**
 * `confide keyvault security-domain download|upload`: the vault root key as k-of-n shares, each
 * encrypted to an operator's RSA key (download, which activates a new vault), and a quorum of
 * shares decrypted here, with the operators' private keys, to restore a new vault (upload).
 * Private keys never leave this process; only the decrypted shares go to the vault, over TLS.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { decryptShare, parseSecurityDomain } from '@confide/keyvault';
import { CliError } from '../errors.js';
import type { Output } from '../output.js';
import { addKeyVaultOptions, KeyVaultClient, type KeyVaultFlags } from '../client/keyvault-client.js';
import { SUMMARIES } from './summaries.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `${flag} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A certificate as Managed HSM takes it: the JWK of its RSA key with x5c. */
async function certificateJwk(path: string): Promise<Record<string, unknown>> {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(await readText(path, '--cert'));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError('ERR_INPUT_UNREADABLE', `--cert ${path}: not a PEM certificate`);
  }
  const jwk = cert.publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA') throw new CliError('ERR_USAGE', `--cert ${path}: not an RSA certificate`);
  return { kty: 'RSA', n: jwk.n, e: jwk.e, x5c: [cert.raw.toString('base64')] };
}

async function privateKey(path: string): Promise<KeyObject> {
  try {
    return createPrivateKey(await readText(path, '--key'));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError('ERR_INPUT_UNREADABLE', `--key ${path}: not a PEM private key`);
  }
}

export function keyvaultCommand(program: Command, output: () => Output): void {
  const domain = program.command('keyvault').description(SUMMARIES.keyvault).command('security-domain').description("The vault's security domain (Managed HSM): its root key as k-of-n encrypted shares.");

  addKeyVaultOptions(
    domain
      .command('download')
      .description('Activate a new vault: it generates its root key and returns it split k-of-n, each share encrypted to one --cert (3 to 10).')
      .requiredOption('--cert <file>', "an operator's RSA certificate (PEM; repeat 3 to 10 times)", collect)
      .requiredOption('--quorum <k>', 'how many shares restore the root (2 to the number of certificates)')
      .requiredOption('--out <file>', 'where to write the security domain (JSON)'),
  ).action(async (flags: KeyVaultFlags & { cert: string[]; quorum: string; out: string }) => {
    const required = Number(flags.quorum);
    if (!Number.isInteger(required)) throw new CliError('ERR_USAGE', `--quorum ${flags.quorum}: not a whole number`);
    const certificates = await Promise.all(flags.cert.map(certificateJwk));
    const answer = await (await KeyVaultClient.open(flags)).call<{ value: string }>('POST', '/securitydomain/download', { certificates, required });
    await writeFile(flags.out, answer.value + '\n', { mode: 0o600 });
    output().result({ ok: true, out: flags.out, shares: certificates.length, required }, `security domain written to ${flags.out}: ${certificates.length} shares, any ${required} restore the vault`);
  });

  addKeyVaultOptions(
    domain
      .command('upload <file>')
      .description("Restore a new vault's root key (and so every key its database holds): the shares of the security domain are decrypted here with --key and uploaded.")
      .requiredOption('--key <file>', "an operator's RSA private key (PEM; repeat up to the quorum)", collect),
  ).action(async (file: string, flags: KeyVaultFlags & { key: string[] }) => {
    const text = await readText(file, 'security domain');
    const doc = parseSecurityDomain(text);
    const shares = [];
    for (const path of flags.key) {
      const share = decryptShare(doc, await privateKey(path));
      shares.push({ x: share.x, y: Buffer.from(share.y).toString('base64url') });
      share.y.fill(0);
    }
    await (await KeyVaultClient.open(flags)).call('POST', '/securitydomain/upload', { value: text, shares });
    output().result({ ok: true, shares: shares.length }, `security domain uploaded (${shares.length} shares): the vault is active`);
  });
}
