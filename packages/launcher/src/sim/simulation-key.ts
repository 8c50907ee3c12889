/**
 * The instance's simulation key: the ECDSA P-256 key that signs simulated TEE evidence in dev
 * mode. It is a DEVELOPMENT-ONLY key: it lives in plain PEM in the data directory, anyone who
 * can read the file can forge "attested" evidence, and production mode never loads it.
 * Created at first use in <dataDir>/sim/simulation-key.pem (mode 0600); its public key is
 * written next to it (simulation-key.pub.pem) for relying parties.
 */
import { chmod, link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes, webcrypto } from 'node:crypto';
import { pemDecode, pemEncode, type ConfideError } from '@confide/core';
import { LauncherError } from '../errors.js';
import { simKeyId, simPublicKeyToPem } from '@confide/evidence';

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const subtle = webcrypto.subtle as unknown as SubtleCrypto;

/** A loaded simulation key pair. */
export interface SimulationKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** SPKI DER of the public key. */
  spki: Uint8Array;
  /** "PUBLIC KEY" PEM of the public key. */
  publicKeyPem: string;
  /** Lower-case hex SHA-256 of the SPKI DER, as written into every piece of evidence. */
  keyId: string;
  /** The private key file. */
  path: string;
  /** The public key file. */
  publicKeyPath: string;
  /** True when this call created the key. */
  created: boolean;
}

export interface LoadSimulationKeyOptions {
  /** Create the key when it does not exist yet (default false). */
  create?: boolean;
}

/** The private key file for a data directory. */
export function simulationKeyPath(dataDir: string): string {
  return join(resolve(dataDir), 'sim', 'simulation-key.pem');
}

function unusable(path: string, err: unknown): ConfideError {
  const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new LauncherError('ERR_DATA_DIR_UNUSABLE', `simulation key ${path}: cannot be read or written (${why})`, { cause: err });
}

async function fromPem(text: string, path: string): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  try {
    const pkcs8 = pemDecode(text, 'PRIVATE KEY');
    if (!pkcs8) throw new Error('no PKCS#8 "PRIVATE KEY" PEM');
    const privateKey = await subtle.importKey('pkcs8', pkcs8 as Uint8Array<ArrayBuffer>, P256, true, ['sign']);
    // WebCrypto cannot derive a public key directly; the private JWK carries x and y.
    const { kty, crv, x, y } = await subtle.exportKey('jwk', privateKey);
    const publicKey = await subtle.importKey('jwk', { kty, crv, x, y }, P256, true, ['verify']);
    return { privateKey, publicKey };
  } catch (err) {
    throw new LauncherError('ERR_DATA_DIR_UNUSABLE', `simulation key ${path}: not an ECDSA P-256 private key (${(err as Error).message})`, { cause: err });
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unusable(path, err);
  }
}

/** Writes `text` to `path` only if absent, whole or not at all; false when another writer won. */
async function createExclusive(path: string, text: string, mode: number): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, { mode, flag: 'wx' });
    await chmod(tmp, mode);
    // link() fails with EEXIST if a concurrent process created the key first: its key wins.
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw unusable(path, err);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function writePublic(path: string, text: string): Promise<void> {
  if ((await readIfExists(path)) === text) return;
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw unusable(path, err);
  }
}

/**
 * Loads the simulation key of the data directory, creating it when `create` is set and it is
 * absent. Throws ERR_INPUT_UNREADABLE (absent and `create` not set), ERR_DATA_DIR_UNUSABLE
 * (cannot be read, written or parsed).
 */
export async function loadSimulationKey(dataDir: string, options: LoadSimulationKeyOptions = {}): Promise<SimulationKey> {
  const path = simulationKeyPath(dataDir);
  const publicKeyPath = path.replace(/\.pem$/, '.pub.pem');
  let text = await readIfExists(path);
  let created = false;
  if (text === undefined) {
    if (!options.create) {
      throw new LauncherError('ERR_INPUT_UNREADABLE', `no simulation key at ${path}; \`confide sim key --data-dir ${dataDir}\` creates one (dev mode only)`);
    }
    try {
      await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw unusable(path, err);
    }
    const pair = (await subtle.generateKey(P256, true, ['sign', 'verify'])) as CryptoKeyPair;
    created = await createExclusive(path, pemEncode('PRIVATE KEY', new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey))), 0o600);
    text = await readIfExists(path);
    if (text === undefined) throw unusable(path, new Error('vanished while being created'));
  }
  const { privateKey, publicKey } = await fromPem(text, path);
  const spki = new Uint8Array(await subtle.exportKey('spki', publicKey));
  const publicKeyPem = simPublicKeyToPem(spki);
  await writePublic(publicKeyPath, publicKeyPem);
  return { privateKey, publicKey, spki, publicKeyPem, keyId: await simKeyId(spki), path, publicKeyPath, created };
}
