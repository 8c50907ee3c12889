/**
 * The composition root: builds every service of `confide serve` from the validated
 * configuration. It is the only code that reads the files, keys and settings the configuration
 * names; services, routes and plugins get what they need as values.
 */
import { webcrypto } from 'node:crypto';
import type { FastifyServerOptions } from 'fastify';
import { CoordinatorState, type CoordinatorService } from '@confide/coordinator';
import type { Clock } from '@confide/core';
import { useX509Crypto, type CollateralProvider, type TrustAnchors } from '@confide/evidence';
import type { VaultRoot } from '@confide/keyvault';
import type { Store } from '@confide/store';
import type { AppOptions } from '../app.js';
import type { Config } from '../config/schema.js';
import { loggerOptions, resolveLogFormat } from '../logger.js';
import type { DegradedService } from '../routes/system/health.js';
import { openSeal } from '../seal/index.js';
import { startServerCoordinator } from '../services/coordinator/index.js';
import { createTokenService } from '../services/attestation/tokens/index.js';
import { openVaultRoot } from '../services/keyvault/vault-root-store.js';
import { loadSimulationKey } from '../sim/index.js';
import { composeAttestation } from './attestation.js';
import { composeKeyVault } from './keyvault.js';
import { composeKeyRelease } from './key-release.js';
import { composeLedger } from './ledger.js';
import { LateAuditSink, ledgerAuditSink } from '../ledger-durable/audit-sink.js';
import { auditEntriesAfter, CoordinatorLedgerMirror, type AuditEntry } from '../ledger-durable/coordinator-mirror.js';
import { releaseRoutes } from '../routes/keyvault/release.js';
import { securityDomainRoutes } from '../routes/keyvault/security-domain.js';
import { SecurityDomainService } from '../services/security-domain/index.js';
import { coordinatorSealProvider } from './coordinator-seal.js';
import { coordinatorTeeSeal } from './coordinator-tee-seal.js';
import { coordinatorEvidence } from './coordinator-evidence.js';
import type { SourceRoots } from '@confide/launcher/evidence-sources';
import { applyStartupManifest } from './startup-manifest.js';
import { ServerError } from '../errors/index.js';
import { readSettingFile } from './setting-file.js';
import { tpmRootsFromConfig } from './tpm-roots.js';
import { collateralFromConfig, trustAnchorsFromConfig } from './evidence-inputs.js';
import { policyAdminSettings } from './policy-admin-settings.js';
import { tlsMaterial } from './tls-material.js';
import { openConfiguredStore } from './store.js';
import { injectorSettings } from './kubernetes.js';
import { createMetrics } from '../metrics/index.js';
import { composeConsole } from './console.js';

/** Values that replace what the configuration would make (tests and benchmarks; `confide serve` passes none). */
export interface CompositionOverrides {
  collateral?: CollateralProvider | undefined;
  trustAnchors?: TrustAnchors | undefined;
  clock?: Clock | undefined;
  /** The kernel's mkdir for configfs-tsm report entries (tests over a fake tree). */
  createTsmEntry?: SourceRoots['createTsmEntry'];
}

export interface CompositionHooks {
  /** Called with each warning as soon as it is known, before the listener starts (the CLI prints them on stderr). */
  warn?: ((warning: string) => void) | undefined;
}

export interface Composition {
  app: AppOptions & { logger: FastifyServerOptions['logger'] };
  store: Store;
  coordinator: CoordinatorService;
  /** The key vault's root key (uninitialized until activated: dev mode at first start, else the security domain). */
  vaultRoot: VaultRoot;
  /** The generated local CA certificate (dev mode without tls.cert). */
  caCertPath: string | undefined;
  /** Warnings an operator must see at every start (dev mode, replaced roots, degraded services). */
  warnings: string[];
  /** The ledger listener's TLS chain (ending at the ledger's service identity) and key, when the ledger is enabled. */
  ledgerTls: { cert: string; key: string } | undefined;
  /** Sets the token issuer once the listen URL is known (when attestation.issuer is not configured). */
  setListenUrl(url: string): void;
}

const DEV_WARNING =
  'dev mode: a generated local CA, the simulated TEE and permissive defaults are enabled. Never use dev mode for real secrets; start with --mode production.';

/** Without attestation.issuer the issuer is the listen URL, known for sure only once listening (port 0). */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Builds the services over `dataDir` (already prepared). The store is closed again when a later
 * step fails. Throws ERR_CONFIG_INVALID (naming the setting and file), ERR_INPUT_UNREADABLE
 * (collateral, evidence.roots), ERR_DATA_DIR_UNUSABLE, ERR_STORE_UNAVAILABLE.
 */
export async function composeServer(config: Config, dataDir: string, overrides: CompositionOverrides & CompositionHooks = {}): Promise<Composition> {
  useX509Crypto(webcrypto as unknown as Crypto);
  const warnings: string[] = [];
  const warn = (warning: string): void => {
    warnings.push(warning);
    overrides.warn?.(warning);
  };
  if (config.mode === 'dev') warn(DEV_WARNING);
  // Everything read from files comes first, so a bad setting fails before the store is opened.
  const seal = openSeal({ dataDir, mode: config.mode, keyFile: config.seal.keyFile });
  // Production wraps the coordinator's data key under the operator's key, never a file it wrote itself.
  const coordinatorSeal = coordinatorSealProvider({ dataDir, keyFile: config.mode === 'production' ? config.seal.keyFile : undefined });
  const tls = await tlsMaterial(config, dataDir);
  const firstManifestKey = config.coordinator.firstManifestKey === undefined ? undefined : readSettingFile('coordinator.firstManifestKey', config.coordinator.firstManifestKey).toString('utf8');
  // Both name who sets the first manifest: the file's holder, or the key's.
  if (firstManifestKey !== undefined && config.coordinator.startupManifest !== undefined) {
    throw new ServerError('ERR_CONFIG_INVALID', 'coordinator.startupManifest and coordinator.firstManifestKey both decide who sets the first manifest: set one', { details: { key: 'coordinator.startupManifest' } });
  }
  const admin = policyAdminSettings(config);
  const collateral = overrides.collateral ?? (await collateralFromConfig(config));
  const tpmRoots = tpmRootsFromConfig(config);
  const vendorAnchors = overrides.trustAnchors ?? (await trustAnchorsFromConfig(config));
  // The TPM roots sit beside the vendor roots: setting them replaces no pinned Intel, AMD or NVIDIA root.
  const trustAnchors = tpmRoots ? { ...vendorAnchors, tpmRoots } : vendorAnchors;
  if (config.evidence.roots !== undefined) warn(`the pinned Intel and AMD roots are replaced by the certificates in ${config.evidence.roots} (testing only)`);
  // Simulated evidence exists in dev mode only; production never loads (or creates) the key.
  const simulationKey = config.mode === 'dev' ? await loadSimulationKey(dataDir, { create: true }) : undefined;
  // Production attests itself with the TEE it runs in; dev mode simulates it.
  const coordinatorQuote = config.mode === 'production' ? await coordinatorEvidence(config, warn, overrides.createTsmEntry) : undefined;

  const store = await openConfiguredStore(config, dataDir);
  let issuer = config.attestation.issuer ?? `https://${displayHost(config.host[0] ?? 'localhost')}:${config.port}`;
  try {
    const tokens = await createTokenService({ store, seal, issuer: () => issuer, tokenLifetimeSeconds: config.attestation.tokenLifetime, clock: overrides.clock });
    const unsealable = tokens.degraded();
    if (unsealable !== undefined && config.attestation.replaceUnsealableKey) {
      // The operator's explicit decision: the old key's certificate stays published, its private half is given up.
      await tokens.rotate();
      warn(`attestation signing key replaced (attestation.replaceUnsealableKey): ${unsealable}`);
    }
    // The coordinator's audit entries go to the ledger too once it is open (it is opened last; the mirror catches up then).
    let mirror: CoordinatorLedgerMirror | undefined;
    const coordinator = await startServerCoordinator({
      onAudit: async (entries: readonly AuditEntry[]) => mirror?.appended(entries),
      store,
      seal: coordinatorSeal,
      teeSeal: coordinatorTeeSeal(config),
      collateral,
      simulationKey,
      trustAnchors,
      clock: overrides.clock,
      // The quote signs this listener's key with the root: clients bind the channel to the attested coordinator.
      tlsSpkiSha256: tls.spkiSha256,
      quote: coordinatorQuote,
      mode: config.mode,
      firstManifestKey,
      startOver: config.coordinator.startOver,
    });
    if (config.mode === 'production' && firstManifestKey === undefined && coordinator.state === CoordinatorState.AcceptingManifest) {
      warn('coordinator.firstManifestKey is not set: whoever reaches this coordinator first while it waits for a manifest sets it');
    }
    if (coordinator.startOutcome === 'started-over') warn('coordinator started over (coordinator.startOver): the sealed state that could not be opened was discarded; remove the setting now');
    if (coordinator.startOutcome === 'memory-only-lost') warn('coordinator started empty: its manifest had SealMode Disabled, so the state lived in the last process\'s memory only and is gone; set the manifest again');
    if (config.coordinator.startupManifest !== undefined) {
      const done = await applyStartupManifest(coordinator, config.coordinator.startupManifest, dataDir);
      if (done) warn(done);
    }
    // Issued tokens and key releases are recorded in the ledger when it is enabled; it is opened last.
    const audit = new LateAuditSink();
    const attestation = await composeAttestation({
      audit,
      store,
      tokens,
      collateral,
      clock: overrides.clock,
      trustAnchors,
      ...(simulationKey ? { simulationKeys: async () => [simulationKey.spki] } : {}),
      admin,
    });
    // Dev mode makes the vault usable at once; production waits for a security domain (generated or uploaded).
    const vault = await openVaultRoot({ store, seal, generateIfAbsent: config.mode === 'dev' });
    if (vault.generated) warn('key vault: dev mode generated the vault root key at first start (sealed with the seal key); production waits for a security domain instead');
    else if (vault.degraded === undefined && vault.root.state() === 'uninitialized') {
      warn('key vault is uninitialized: key operations are refused until a security domain is generated or uploaded (docs/keyvault.md)');
    }
    // The release routes sit under /keys beside the vault's, and sign with the attestation signing key.
    const withRelease = (kv: ReturnType<typeof composeKeyVault>) => ({
      ...kv,
      extraKeyRoutes: [releaseRoutes(composeKeyRelease(config, kv.service, tokens, overrides.clock, audit))],
      securityDomainRoutes: securityDomainRoutes(new SecurityDomainService({ root: vault.root, store, mode: config.mode })),
    });
    const degraded = (): DegradedService[] => {
      const out: DegradedService[] = [];
      if (vault.degraded !== undefined && vault.root.state() !== 'active') out.push({ service: 'keyvault', reason: vault.degraded });
      const tokenReason = tokens.degraded();
      if (tokenReason !== undefined) out.push({ service: 'attestation', reason: tokenReason });
      if (mirror?.failure !== undefined) out.push({ service: 'ledger', reason: mirror.failure });
      if (coordinator.state === CoordinatorState.Recovery) {
        out.push({ service: 'coordinator', reason: 'recovery mode: the sealed state cannot be opened with this seal key; upload recovery shares (docs/recovery.md)' });
      }
      return out;
    };
    for (const d of degraded()) warn(`${d.service} is degraded: ${d.reason}`);
    const ledger = config.ledger.enabled ? await composeLedger(config, store, seal, overrides.clock) : undefined;
    for (const w of ledger?.warnings ?? []) warn(w);
    if (ledger) {
      audit.bind(ledgerAuditSink(ledger.writer, overrides.clock));
      mirror = new CoordinatorLedgerMirror({ writer: ledger.writer, entriesAfter: async (seq) => auditEntriesAfter(await coordinator.auditLog(seq), seq), clock: overrides.clock });
      await mirror.sync();
      if (mirror.failure !== undefined) warn(`ledger is degraded: ${mirror.failure}`);
    }
    const consoleRoutes = await composeConsole(
      config,
      {
        services: [
          { name: 'attestation', enabled: true, path: '/attest' },
          { name: 'coordinator', enabled: true, path: '/api/v2' },
          { name: 'keyvault', enabled: true, path: '/keys' },
          { name: 'ledger', enabled: ledger !== undefined, path: '/app' },
          { name: 'kubernetes injector', enabled: config.kubernetes.injector.enabled, path: '/kubernetes/mutate' },
          { name: 'metrics', enabled: config.metrics.port !== undefined, path: '/metrics' },
        ],
        ledgerId: ledger ? config.ledger.id : undefined,
        trustAnchors,
        acceptsAnyToken: admin.auth.acceptsAnyToken,
      },
      warn,
    );
    return {
      app: {
        store,
        bodyLimit: config.bodyLimit,
        http: config.http,
        logger: loggerOptions(config.logLevel, resolveLogFormat(config.logFormat, config.mode, process.stdout.isTTY === true)),
        // Ask for a client certificate without requiring one or judging its issuer: coordinator users
        // and marbles are recognised by the certificate or key the manifest and evidence name.
        https: { cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: false },
        coordinator: { coordinator },
        attestation,
        keyvault: withRelease(composeKeyVault(config, store, vault.root, overrides.clock)),
        ...(config.kubernetes.injector.enabled ? { kubernetes: { injector: injectorSettings(config) } } : {}),
        ...(config.metrics.port !== undefined ? { metrics: createMetrics({ storeRetries: () => store.retries(), ledgerLag: ledger ? () => ledger.writer.commitLag() : undefined }) } : {}),
        ledger: ledger?.routes,
        console: consoleRoutes,
        degraded,
      },
      store,
      coordinator,
      vaultRoot: vault.root,
      caCertPath: tls.caCertPath,
      ledgerTls: ledger?.tls,
      warnings,
      setListenUrl(url) {
        if (config.attestation.issuer === undefined) issuer = url;
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

export { displayHost };
