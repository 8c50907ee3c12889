/**
 * The environment variables MarbleRun's coordinator adds to every activation answer, after the
 * manifest's templates and over any manifest entry of the same name
 * (edgelesssys/marblerun coordinator/core/marbleapi.go: setTTLSConfig, customizeParameters):
 *
 * - MARBLE_PREDEFINED_ROOT_CA: the Marble root (the intermediate's key, self-signed; it changes
 *   on every manifest update), not the coordinator root;
 * - MARBLE_PREDEFINED_MARBLE_CERTIFICATE_CHAIN: the marble certificate, then the intermediate;
 * - MARBLE_PREDEFINED_PRIVATE_KEY: PKCS#8 of the marble certificate's key;
 * - MARBLE_PREDEFINED_COORDINATOR_ROOT_CA: the coordinator root;
 * - MARBLE_TTLS_CONFIG, when the marble names TLS tags: Go's json.Marshal of
 *   {"tls":{"Incoming":{"*:<port>":{…}},"Outgoing":{"<addr>:<port>":{…}}}} (keys sorted, as Go
 *   writes maps), each connection with cacrt (the Marble root), clicrt and clikey (the marble's
 *   certificate and key, or the Incoming entry's Cert secret) and, for Incoming, clientAuth.
 */
import { pemEncode, utf8 } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { Manifest, Marble } from '../manifest/types.js';
import type { CoordinatorPki } from '../pki/types.js';
import type { SecretMap } from '../secrets/types.js';

export const MARBLE_ENV = {
  rootCa: 'MARBLE_PREDEFINED_ROOT_CA',
  certificateChain: 'MARBLE_PREDEFINED_MARBLE_CERTIFICATE_CHAIN',
  privateKey: 'MARBLE_PREDEFINED_PRIVATE_KEY',
  coordinatorRootCa: 'MARBLE_PREDEFINED_COORDINATOR_ROOT_CA',
  ttlsConfig: 'MARBLE_TTLS_CONFIG',
} as const;

type Connection = Record<string, string | boolean>;

/** An object whose keys are in Go's json.Marshal order (sorted bytewise) when stringified. */
function sorted<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[key] = record[key]!;
  return out;
}

type Pem = { cert: string; key: string };

function certificateSecret(secrets: SecretMap, name: string): Pem {
  const secret = secrets[name];
  if (!secret?.Cert?.length || !secret.Private?.length) {
    throw new CoordinatorError('ERR_SECRET_INVALID', `TLS: the Incoming certificate secret ${JSON.stringify(name)} has no certificate and private key (not set yet?)`, { details: { secret: name } });
  }
  return { cert: pemEncode('CERTIFICATE', secret.Cert), key: pemEncode('PRIVATE KEY', secret.Private) };
}

function tagsOf(manifest: Manifest, marble: Marble) {
  return marble.TLS.map((tagName) => (Object.hasOwn(manifest.TLS, tagName) ? manifest.TLS[tagName]! : { Incoming: [], Outgoing: [] }));
}

/** The certificate secrets the marble's Incoming TLS entries name, as PEM. Throws ERR_SECRET_INVALID (one not set). */
function incomingCertificates(manifest: Manifest, marble: Marble, secrets: SecretMap): Map<string, Pem> {
  const out = new Map<string, Pem>();
  for (const tag of tagsOf(manifest, marble)) for (const entry of tag.Incoming) if (entry.Cert !== '' && !out.has(entry.Cert)) out.set(entry.Cert, certificateSecret(secrets, entry.Cert));
  return out;
}

/** MARBLE_TTLS_CONFIG's JSON for the marble's TLS tags, or undefined when it names none. `incoming`: incomingCertificates. */
function ttlsConfig(manifest: Manifest, marble: Marble, marbleRoot: string, marbleCert: string, marbleKey: string, incoming: Map<string, Pem>): string | undefined {
  if (marble.TLS.length === 0) return undefined;
  const incomingOut: Record<string, Connection> = {};
  const outgoing: Record<string, Connection> = {};
  for (const tag of tagsOf(manifest, marble)) {
    for (const entry of tag.Outgoing) outgoing[`${entry.Addr}:${entry.Port}`] = sorted({ cacrt: marbleRoot, clicrt: marbleCert, clikey: marbleKey });
    for (const entry of tag.Incoming) {
      const own = entry.Cert !== '' ? incoming.get(entry.Cert)! : { cert: marbleCert, key: marbleKey };
      incomingOut[`*:${entry.Port}`] = sorted({ cacrt: marbleRoot, clicrt: own.cert, clientAuth: entry.Cert !== '' ? !entry.DisableClientAuth : true, clikey: own.key });
    }
  }
  return JSON.stringify({ tls: { Incoming: sorted(incomingOut), Outgoing: sorted(outgoing) } });
}

/**
 * The variables MarbleRun sets for the marble (see the module comment), in two steps: what can
 * refuse them (an Incoming certificate secret not set) is checked now; the function returned
 * makes them from the marble certificate's PEM, which an activation signs meanwhile.
 * Throws ERR_SECRET_INVALID.
 */
export function marbleRunEnv(input: { manifest: Manifest; marble: Marble; pki: CoordinatorPki; privateKeyPkcs8: Uint8Array; secrets: SecretMap }): (marbleCert: string) => Record<string, Uint8Array> {
  const incoming = incomingCertificates(input.manifest, input.marble, input.secrets);
  return (marbleCert) => {
    const marbleKey = pemEncode('PRIVATE KEY', input.privateKeyPkcs8);
    const env: Record<string, Uint8Array> = {
      [MARBLE_ENV.rootCa]: utf8(input.pki.marbleRootCert),
      [MARBLE_ENV.certificateChain]: utf8(marbleCert + input.pki.intermediateCert),
      [MARBLE_ENV.privateKey]: utf8(marbleKey),
      [MARBLE_ENV.coordinatorRootCa]: utf8(input.pki.rootCert),
    };
    const ttls = ttlsConfig(input.manifest, input.marble, input.pki.marbleRootCert, marbleCert, marbleKey, incoming);
    if (ttls !== undefined) env[MARBLE_ENV.ttlsConfig] = utf8(ttls);
    return env;
  };
}
