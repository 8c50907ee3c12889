/** What the console route module serves: the built files (read by the composition root) and the facts the overview shows. */
import type { TrustAnchorFingerprint } from '@confide/evidence';

/** One built file of the console. */
export interface ConsoleFile {
  body: Buffer;
  /** The same bytes gzipped at build time, served when the client accepts gzip. */
  gzip: Buffer | undefined;
  contentType: string;
}

export interface ConsoleAssets {
  index: ConsoleFile;
  /** By name under /console/assets/ (hashed names: immutable). */
  assets: ReadonlyMap<string, ConsoleFile>;
}

/** The overview's facts that no other API states. Nothing secret: mode, version, which services run, the roots in force. */
export interface ConsoleInfo {
  mode: 'dev' | 'production';
  version: string;
  services: Array<{ name: string; enabled: boolean; path: string }>;
  /** The roots the server verifies evidence with (the console compares them with its own pins). */
  trustAnchors: TrustAnchorFingerprint[];
  /** The ledger's id (GET /ledgerIdentity/{id} gives its service identity), when the ledger runs. */
  ledgerId: string | undefined;
  /** Attestation types POST /attest/{type} takes. */
  attestationTypes: readonly string[];
  auth: {
    /** Dev mode without a verifier: any bearer token passes, so the console asks for none. */
    acceptsAnyToken: boolean;
    oidc: { issuer: string; clientId: string; scope: string } | undefined;
  };
}

export interface ConsoleRoutesOptions {
  assets: ConsoleAssets;
  info: ConsoleInfo;
}
