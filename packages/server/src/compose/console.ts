/**
 * The web console's files and overview facts. The files are read once here (the composition root
 * reads every file `confide serve` serves); the console package builds them with `npm run build`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeTrustAnchors, type TrustAnchors } from '@confide/evidence';
import type { Config } from '../config/schema.js';
import type { ConsoleAssets, ConsoleFile, ConsoleInfo, ConsoleRoutesOptions } from '../routes/console/index.js';
import { ATTESTATION_TYPES } from '../services/attestation/index.js';
import { VERSION } from '../version.js';
import { ServerError } from '../errors/index.js';

/** What the console's build writes beside the files (packages/console/build.mjs). */
interface BuildManifest {
  index: { path: string; contentType: string; gzip?: string };
  assets: Array<{ name: string; path: string; contentType: string; gzip?: string }>;
}

function readFile(dir: string, entry: { path: string; contentType: string; gzip?: string }): ConsoleFile {
  return { body: readFileSync(join(dir, entry.path)), gzip: entry.gzip === undefined ? undefined : readFileSync(join(dir, entry.gzip)), contentType: entry.contentType };
}

/** The built console, or undefined (with the reason) when the console package was not built. */
export function readConsoleAssets(): { assets: ConsoleAssets } | { missing: string } {
  const manifestPath = fileURLToPath(import.meta.resolve('@confide/console/www'));
  if (!existsSync(manifestPath)) return { missing: `the console is not built (${manifestPath} is absent; run npm run build): /console is not served` };
  const dir = dirname(manifestPath);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BuildManifest;
  return { assets: { index: readFile(dir, manifest.index), assets: new Map(manifest.assets.map((a) => [a.name, readFile(dir, a)])) } };
}

export interface ConsoleFacts {
  services: ConsoleInfo['services'];
  ledgerId: string | undefined;
  trustAnchors: TrustAnchors | undefined;
  acceptsAnyToken: boolean;
}

/** The console routes' options, or undefined when it is disabled or not built (then `warn` says why). */
export async function composeConsole(config: Config, facts: ConsoleFacts, warn: (warning: string) => void): Promise<ConsoleRoutesOptions | undefined> {
  if (!config.console.enabled) return undefined;
  const built = readConsoleAssets();
  if ('missing' in built) {
    warn(built.missing);
    return undefined;
  }
  const { issuer, clientId, scope } = config.console.oidc;
  if ((issuer === undefined) !== (clientId === undefined)) {
    throw new ServerError('ERR_CONFIG_INVALID', 'console.oidc.issuer and console.oidc.clientId go together: set both or neither', { details: { key: issuer === undefined ? 'console.oidc.issuer' : 'console.oidc.clientId' } });
  }
  if (issuer !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(issuer);
    } catch {
      url = undefined;
    }
    if (url === undefined || !(url.protocol === 'https:' || (config.mode === 'dev' && url.protocol === 'http:'))) {
      throw new ServerError('ERR_CONFIG_INVALID', `console.oidc.issuer: "${issuer}" is not an https URL`, { details: { key: 'console.oidc.issuer' } });
    }
  }
  const info: ConsoleInfo = {
    mode: config.mode,
    version: VERSION,
    services: facts.services,
    trustAnchors: await describeTrustAnchors(facts.trustAnchors),
    ledgerId: facts.ledgerId,
    attestationTypes: ATTESTATION_TYPES,
    auth: { acceptsAnyToken: facts.acceptsAnyToken, oidc: issuer !== undefined && clientId !== undefined ? { issuer, clientId, scope } : undefined },
  };
  return { assets: built.assets, info };
}
