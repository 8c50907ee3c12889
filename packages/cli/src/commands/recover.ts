/**
 * `confide recover <share-file>`: uploads one decrypted recovery share while the coordinator is
 * in recovery (MarbleRun's `recover`). Decrypting stays with the share holder, offline:
 * docs/cli-coordinator.md shows the openssl command; --private-key does the same here.
 */
import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';
import type { Command } from 'commander';
import { ConfideError, fromBase64 } from '@confide/core';
import { CliError } from '../errors.js';
import type { Output } from '../output.js';
import { CoordinatorClient } from '../client/coordinator-client.js';
import { addConnectionOptions, openConnection, type ConnectionFlags } from '../client/connection.js';
import { readInput } from '../client/files.js';
import { SUMMARIES } from './summaries.js';

interface RecoverFlags extends ConnectionFlags {
  keyName?: string;
  privateKey?: string;
}

/** Raw bytes, or base64 text (a share is 32 or 33 bytes; its base64 is 44 characters, so the two never collide). */
function decodeShareFile(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1').trim();
  if (bytes.length > 40 && /^[A-Za-z0-9+/=\s]+$/.test(text)) {
    try {
      return fromBase64(text.replace(/\s+/g, ''));
    } catch {
      return bytes;
    }
  }
  return bytes;
}

/** RSA-OAEP SHA-256 decryption of an encrypted share, as openssl pkeyutl does it. Throws ERR_INPUT_UNREADABLE, ERR_RECOVERY_SHARE_INVALID. */
async function decryptShare(encrypted: Uint8Array, keyFile: string): Promise<Uint8Array> {
  let key;
  try {
    key = createPrivateKey(Buffer.from(await readInput(keyFile, '--private-key')));
  } catch (err) {
    if (err instanceof ConfideError) throw err;
    throw new CliError('ERR_INPUT_UNREADABLE', `--private-key ${keyFile}: not a PEM private key (${(err as Error).message})`);
  }
  try {
    return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, encrypted));
  } catch {
    throw new CliError('ERR_RECOVERY_SHARE_INVALID', 'the share does not decrypt with this private key (RSA-OAEP SHA-256): another key, or not an encrypted share');
  }
}

export function recoverCommand(program: Command, output: () => Output): void {
  addConnectionOptions(
    program
      .command('recover')
      .description(SUMMARIES.recover)
      .argument('<share-file>', 'the decrypted share (binary, or base64); with --private-key, the encrypted share from `manifest set`')
      .option('--key-name <name>', 'the RecoveryKeys name the share belongs to (otherwise the coordinator finds it)')
      .option('--private-key <pem>', 'decrypt the share here first (RSA-OAEP, SHA-256), as the openssl command in the docs does')
      .addHelpText(
        'after',
        `
Decrypt your share offline (the value from --recovery-data or the manifest set output):
  echo <base64 share> | base64 -d > share.enc
  openssl pkeyutl -decrypt -inkey recovery-private.pem -in share.enc -out share.bin \\
    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
  confide recover share.bin --coordinator host:port --ca <data-dir>/tls/ca.pem`,
      ),
  ).action(
    async (file: string, opts: RecoverFlags) => {
      const raw = await readInput(file, 'share');
      const share = opts.privateKey !== undefined ? await decryptShare(decodeShareFile(raw), opts.privateKey) : decodeShareFile(raw);
      const client = new CoordinatorClient(await openConnection(opts));
      const answer = await client.recover(share, opts.keyName);
      output().result({ ok: true, remaining: answer.remaining, message: answer.message }, answer.message);
    },
  );
}
