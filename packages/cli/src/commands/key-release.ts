/**
 * `confide key release` (ask the vault for a key, with an attestation token as the target) and
 * `confide key unwrap-release` (what the workload then does: check the release JWS and unwrap the
 * key with its transfer key). The released private key is written to a file (0600), never printed.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { openReleaseResponse, RELEASE_ENCS } from '@confide/keyvault';
import { CliError } from '../errors.js';
import type { Output } from '../output.js';
import { addKeyVaultOptions, KeyVaultClient, type KeyVaultFlags } from '../client/keyvault-client.js';

async function readInput(path: string, flag: string): Promise<string> {
  try {
    // stdin (fd 0) is read whole, synchronously: a token or a response is a few KiB.
    return path === '-' ? readFileSync(0, 'utf8') : await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `${flag} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function privateKeyOf(pem: string, path: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new CliError('ERR_INPUT_UNREADABLE', `--key ${path}: not a PEM private key`);
  }
}

function certificateOf(pem: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new CliError('ERR_INPUT_UNREADABLE', `--signer ${path}: not a PEM certificate`);
  }
}

export function keyReleaseCommands(key: Command, output: () => Output): void {
  addKeyVaultOptions(
    key
      .command('release <name>')
      .description("Release a key to an attested workload: the vault checks the token against the key's release policy and answers the key wrapped to the token's transfer key (a JWS).")
      .requiredOption('--target <file>', 'the attestation token (a JWT; - reads stdin)')
      .option('--key-version <id>', 'a version (default: the latest)')
      .addOption(new Option('--enc <alg>', 'the wrap').choices([...RELEASE_ENCS]))
      .option('--out <file>', 'write the response JSON here instead of stdout'),
  ).action(async (name: string, flags: KeyVaultFlags & { target: string; keyVersion?: string; enc?: string; out?: string }) => {
    const target = (await readInput(flags.target, '--target')).trim();
    const path = `/keys/${encodeURIComponent(name)}/${flags.keyVersion ? `${encodeURIComponent(flags.keyVersion)}/` : ''}release`;
    const answer = await (await KeyVaultClient.open(flags)).call<{ value: string }>('POST', path, { target, ...(flags.enc ? { enc: flags.enc } : {}) });
    if (flags.out) {
      await writeFile(flags.out, JSON.stringify(answer) + '\n');
      output().result({ ok: true, out: flags.out }, `released ${name}: response written to ${flags.out}`);
    } else output().result({ ok: true, ...answer }, JSON.stringify(answer));
  });

  key
    .command('unwrap-release <response>')
    .description('Check a release response (RS256 JWS by the certificate in its x5c, optionally issued by --signer) and unwrap the key with the transfer key, as a workload does.')
    .requiredOption('--key <file>', 'the transfer private key (PEM) whose public half was in the attestation token')
    .requiredOption('--out <file>', 'where to write the released private key (JWK, mode 0600)')
    .option('--signer <file>', 'PEM certificate the response must be signed by, or issued by (the vault\'s signing certificate)')
    .action(async (response: string, flags: { key: string; out: string; signer?: string }) => {
      const transfer = privateKeyOf(await readInput(flags.key, '--key'), flags.key);
      const signer = flags.signer ? certificateOf(await readInput(flags.signer, '--signer'), flags.signer) : undefined;
      const opened = openReleaseResponse(await readInput(response, 'response'), transfer, { signer });
      await writeFile(flags.out, JSON.stringify(opened.jwk) + '\n', { mode: 0o600 });
      if (!signer) output().note('the response is signed by the certificate it carries; pass --signer to require the vault\'s certificate');
      output().result(
        { ok: true, kid: opened.kid, kty: opened.kty, enc: opened.enc, signer: opened.signer.subject, out: flags.out },
        `unwrapped ${opened.kid} (${opened.kty}, ${opened.enc}) signed by ${opened.signer.subject.replace(/\n/g, ', ')}: private key written to ${flags.out}`,
      );
    });
}
