/**
 * `confide recover <share-file>`: uploads one decrypted recovery share while the coordinator is
 * in recovery (MarbleRun's `recover`), with `recoverySecretSignature`: RSA PKCS#1 v1.5 over
 * SHA-256 of the decrypted share by the recovery private key, as MarbleRun's CLI makes it
 * (cli/internal/cmd/recover.go, util.SignPKCS1v15) and its coordinator requires it. The key
 * decrypts an encrypted share too; `--signature` takes a signature made elsewhere (MarbleRun's
 * `recover-with-signature`) instead of the key.
 */
import { constants, createPrivateKey, privateDecrypt, sign, type KeyObject } from 'node:crypto';
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
  signature?: string;
}

/** Plain share lengths: MarbleRun's legacy 16, all-keys 32, threshold 33 (recover.go maybeDecryptRecoveryKey, v2.go RecoverPost). */
const PLAIN_SHARE_LENGTHS = new Set([16, 32, 33]);

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

/** The recovery private key (PEM, PKCS#8 or PKCS#1). Throws ERR_INPUT_UNREADABLE. */
async function readPrivateKey(keyFile: string): Promise<KeyObject> {
  try {
    return createPrivateKey(Buffer.from(await readInput(keyFile, '--private-key')));
  } catch (err) {
    if (err instanceof ConfideError) throw err;
    throw new CliError('ERR_INPUT_UNREADABLE', `--private-key ${keyFile}: not a PEM private key (${(err as Error).message})`);
  }
}

/** RSA-OAEP SHA-256 decryption of an encrypted share, as openssl pkeyutl does it. Throws ERR_RECOVERY_SHARE_INVALID. */
function decryptShare(encrypted: Uint8Array, key: KeyObject): Uint8Array {
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
      .option('--private-key <pem>', 'the recovery private key: signs the share (recoverySecretSignature) and decrypts it first when it is the encrypted one')
      .option('--signature <file>', 'a signature made elsewhere over the decrypted share (RSA PKCS#1 v1.5, SHA-256; binary or base64), instead of the private key')
      .addHelpText(
        'after',
        `
Decrypt your share offline (the value from --recovery-data or the manifest set output):
  echo <base64 share> | base64 -d > share.enc
  openssl pkeyutl -decrypt -inkey recovery-private.pem -in share.enc -out share.bin \\
    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
  confide recover share.bin --private-key recovery-private.pem --coordinator host:port --ca <data-dir>/tls/ca.pem
The key signs the share, as the coordinator requires; without it, sign offline and pass --signature:
  openssl dgst -sha256 -sign recovery-private.pem -out share.sig share.bin`,
      ),
  ).action(
    async (file: string, opts: RecoverFlags) => {
      // MarbleRun's flag is --key; here --key is the user's TLS key (connection options), so the recovery key is --private-key.
      const keyFile = opts.privateKey;
      if (keyFile === undefined && opts.signature === undefined) {
        throw new CliError('ERR_USAGE', 'the coordinator requires the share signed by its recovery key: give --private-key, or --signature');
      }
      const bytes = decodeShareFile(await readInput(file, 'share'));
      const key = keyFile === undefined ? undefined : await readPrivateKey(keyFile);
      const share = key && !PLAIN_SHARE_LENGTHS.has(bytes.length) ? decryptShare(bytes, key) : bytes;
      const signature = key ? new Uint8Array(sign('sha256', share, key)) : decodeShareFile(await readInput(opts.signature!, '--signature'));
      const client = new CoordinatorClient(await openConnection(opts));
      const answer = await client.recover(share, opts.keyName, signature);
      output().result({ ok: true, remaining: answer.remaining, message: answer.message }, answer.message);
    },
  );
}
