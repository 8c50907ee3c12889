/**
 * The one configuration schema: keys, types, defaults, environment names, flags and
 * descriptions. It drives loading, validation, `--help` and docs/config.md.
 */

import { weakTokenReason } from './secret-strength.js';

export type ConfigType = 'string' | 'integer' | 'port' | 'boolean' | 'enum' | 'path' | 'list';

export interface ConfigKey {
  /** Dotted key, as written in the config file (nested objects) and in error messages. */
  key: string;
  type: ConfigType;
  /** Allowed values, for `enum`. */
  values?: readonly string[];
  /** Inclusive bounds for `integer`; for `list`, `min` is the fewest entries. */
  min?: number;
  max?: number;
  default: string | number | boolean | readonly string[] | undefined;
  env: string;
  /** Long flag without the value placeholder, e.g. "--port". */
  flag?: string;
  description: string;
  /** A secret (a token): never printed or logged; tools that show the configuration print it redacted. */
  secret?: boolean;
  /** When set, production mode refuses a value for which this returns a reason; `origin` says where the value came from. */
  devOnly?: (value: unknown, config: Record<string, unknown>, origin: 'default' | 'file' | 'env' | 'flag') => string | undefined;
  /** What production mode requires or refuses of this key, for docs/config.md; present exactly when devOnly is. */
  production?: string;
}

/** Production refuses a JWKS or public key without a required issuer and audience: any token the key signed for another service would pass. */
function jwtWithout(value: unknown, config: Record<string, unknown>, claim: string): string | undefined {
  const auth = (config['attestation'] as { auth?: Record<string, unknown> } | undefined)?.auth ?? {};
  const jwt = auth['jwksUrl'] !== undefined || auth['publicKey'] !== undefined;
  return jwt && (value === undefined || value === '') ? `production mode needs attestation.auth.${claim} whenever attestation.auth.jwksUrl or attestation.auth.publicKey verifies bearer JWTs` : undefined;
}

export const CONFIG_SCHEMA = [
  {
    key: 'mode',
    type: 'enum',
    values: ['dev', 'production'],
    default: 'dev',
    env: 'CONFIDE_MODE',
    flag: '--mode',
    description:
      'dev enables the simulated TEE, a generated local CA and permissive defaults, each with a warning at start; production refuses all of them.',
  },
  {
    key: 'host',
    type: 'list',
    min: 1,
    default: ['localhost'],
    env: 'CONFIDE_HOST',
    flag: '--host',
    description:
      'Addresses the HTTPS listener binds to, all on the same port: the flag repeated or a comma-separated list (a config file takes a string or an array). The generated dev certificate names every one.',
  },
  {
    key: 'port',
    type: 'port',
    default: 8443,
    env: 'CONFIDE_PORT',
    flag: '--port',
    description: 'TCP port of the HTTPS listener (0 picks a free port).',
  },
  {
    key: 'dataDir',
    type: 'path',
    default: './.confide',
    env: 'CONFIDE_DATA_DIR',
    flag: '--data-dir',
    description: 'Directory for the embedded database, the local CA and other state. Created if absent.',
  },
  {
    key: 'database',
    type: 'string',
    default: undefined,
    env: 'CONFIDE_DATABASE',
    flag: '--database',
    description: 'SQLite database file. Default: confide.sqlite in the data directory.',
  },
  {
    key: 'store',
    type: 'string',
    default: undefined,
    env: 'CONFIDE_STORE',
    flag: '--store',
    description:
      'Storage engine: unset or `sqlite` for the SQLite file (`database`); a `postgres://user:password@host:port/database` URL for PostgreSQL 15 or later, which several replicas share (docs/store.md); `?schema=name` keeps the tables in that schema; `?connect_timeout=seconds` (as libpq reads it: 0 for no limit) bounds opening a connection, 10 s without it. Set with `database`, a URL is refused. The URL is never printed or logged with its password.',
    secret: true,
  },
  {
    key: 'tls.cert',
    type: 'path',
    default: undefined,
    env: 'CONFIDE_TLS_CERT',
    flag: '--tls-cert',
    description: 'PEM server certificate chain. When absent in dev mode, one is issued by a generated local CA.',
    production: 'required (no generated local CA).',
    devOnly: (value) => (value === undefined ? 'production mode needs tls.cert and tls.key; the generated local CA is for development only' : undefined),
  },
  {
    key: 'tls.san',
    type: 'list',
    default: undefined,
    env: 'CONFIDE_TLS_SAN',
    flag: '--tls-san',
    description:
      'Extra DNS names or IP addresses for the generated dev certificate, besides localhost, 127.0.0.1, ::1 and every host; the flag repeated or a comma-separated list. The certificate is re-issued when the set of names changes.',
  },
  {
    key: 'tls.key',
    type: 'path',
    default: undefined,
    env: 'CONFIDE_TLS_KEY',
    flag: '--tls-key',
    description: 'PEM private key of the server certificate.',
    production: 'required.',
    devOnly: (value) => (value === undefined ? 'production mode needs tls.key' : undefined),
  },
  {
    key: 'logLevel',
    type: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
    env: 'CONFIDE_LOG_LEVEL',
    flag: '--log-level',
    description: 'Least severe log level written (log lines on standard output, in the format logFormat picks).',
  },
  {
    key: 'logFormat',
    type: 'enum',
    values: ['auto', 'json', 'pretty'],
    default: 'auto',
    env: 'CONFIDE_LOG_FORMAT',
    flag: '--log-format',
    description:
      'json writes one pino JSON object a line; pretty writes one readable line a record (time, level, request id, message, key=value fields, secrets still redacted); auto is pretty when standard output is a terminal in dev mode, json otherwise.',
  },
  {
    key: 'bodyLimit',
    type: 'integer',
    min: 1024,
    max: 64 * 1024 * 1024,
    default: 1024 * 1024,
    env: 'CONFIDE_BODY_LIMIT',
    flag: '--body-limit',
    description: 'Largest request body accepted, in bytes; larger bodies get 413 ERR_BODY_TOO_LARGE.',
  },
  {
    key: 'shutdownTimeout',
    type: 'integer',
    min: 0,
    max: 600_000,
    default: 10_000,
    env: 'CONFIDE_SHUTDOWN_TIMEOUT',
    flag: '--shutdown-timeout',
    description: 'Milliseconds that in-flight requests get to finish after SIGTERM or SIGINT before connections are closed.',
  },
  {
    key: 'http.headersTimeout',
    type: 'integer',
    min: 1000,
    max: 600_000,
    default: 10_000,
    env: 'CONFIDE_HTTP_HEADERS_TIMEOUT',
    flag: '--http-headers-timeout',
    description: 'Milliseconds a new connection gets to finish its TLS handshake and send the complete request headers; then it is closed.',
  },
  {
    key: 'http.requestTimeout',
    type: 'integer',
    min: 1000,
    max: 3_600_000,
    default: 30_000,
    env: 'CONFIDE_HTTP_REQUEST_TIMEOUT',
    flag: '--http-request-timeout',
    description:
      'Milliseconds a request gets to arrive in full, body included; a body trickled slower is cut off with 408 and the connection closed (checked every second).',
  },
  {
    key: 'http.idleTimeout',
    type: 'integer',
    min: 100,
    max: 600_000,
    default: 5000,
    env: 'CONFIDE_HTTP_IDLE_TIMEOUT',
    flag: '--http-idle-timeout',
    description: 'Milliseconds a keep-alive connection may wait idle for its next request before it is closed.',
  },
  {
    key: 'http.maxConnections',
    type: 'integer',
    min: 1,
    max: 1_000_000,
    default: 1024,
    env: 'CONFIDE_HTTP_MAX_CONNECTIONS',
    flag: '--http-max-connections',
    description: 'Most connections open at once; further connections are closed as soon as they are accepted.',
  },
  {
    key: 'collateral',
    type: 'list',
    default: undefined,
    env: 'CONFIDE_COLLATERAL',
    flag: '--collateral',
    description:
      'Offline collateral for evidence verification: directories in the offline layout (docs/collateral.md), dcap-qvl JSON files, or VCEK/VLEK certificates and PEM chains; comma-separated, the same forms `confide verify --collateral` takes.',
  },
  {
    key: 'collateralOnline',
    type: 'boolean',
    default: false,
    env: 'CONFIDE_COLLATERAL_ONLINE',
    flag: '--collateral-online',
    description: 'Fetch collateral Intel PCS and AMD KDS do not find in the offline files (tried after them), with a cache.',
  },
  {
    key: 'evidence.roots',
    type: 'path',
    default: undefined,
    env: 'CONFIDE_EVIDENCE_ROOTS',
    flag: '--evidence-roots',
    description:
      'Directory of PEM or DER certificates that replace the pinned Intel and AMD roots, for testing with a private PKI. Development only.',
    production: 'refused (the pinned Intel and AMD roots only).',
    devOnly: (value) => (value === undefined ? undefined : 'replacing the pinned vendor roots is for testing only'),
  },
  {
    key: 'attestation.issuer',
    type: 'string',
    default: undefined,
    env: 'CONFIDE_ATTESTATION_ISSUER',
    flag: '--attestation-issuer',
    description: 'The `iss` of attestation tokens and base of their `jku`: the externally visible base URL, no trailing slash. Default: the listen URL.',
  },
  {
    key: 'attestation.tokenLifetime',
    type: 'integer',
    min: 60,
    max: 7 * 24 * 3600,
    default: 8 * 3600,
    env: 'CONFIDE_ATTESTATION_TOKEN_LIFETIME',
    flag: '--attestation-token-lifetime',
    description: 'Seconds from `iat` to `exp` of attestation tokens (MAA issues 8 hours); a policy\'s report_validity_in_minutes overrides it.',
  },
  {
    key: 'attestation.replaceUnsealableKey',
    type: 'boolean',
    default: false,
    env: 'CONFIDE_ATTESTATION_REPLACE_UNSEALABLE_KEY',
    flag: '--attestation-replace-unsealable-key',
    description:
      'When the token signing key cannot be unsealed (the seal key changed; docs/recovery.md), retire it and sign with a new key instead of starting with attestation degraded. Tokens it signed still verify through /certs until they expire.',
  },
  {
    key: 'attestation.mode',
    type: 'enum',
    values: ['aad', 'isolated'],
    default: 'aad',
    env: 'CONFIDE_ATTESTATION_MODE',
    flag: '--attestation-mode',
    description:
      'Policy management as in MAA: aad accepts unsigned and signed policies from any authenticated caller; isolated accepts only policies and certificate changes signed by a policy-management certificate.',
  },
  {
    key: 'attestation.tpmRoots',
    type: 'list',
    default: undefined,
    env: 'CONFIDE_ATTESTATION_TPM_ROOTS',
    flag: '--attestation-tpm-roots',
    description:
      'PEM or DER files (comma-separated) of the root certificates an attestation-key (AK) certificate chain of TPM evidence must end at (POST /attest/Tpm: `aikValidated`). None is pinned by default: which AK CAs to trust (a cloud\'s vTPM CA, a TPM maker\'s EK CA) is the operator\'s choice.',
  },
  {
    key: 'attestation.signingCertificates',
    type: 'list',
    default: undefined,
    env: 'CONFIDE_ATTESTATION_SIGNING_CERTIFICATES',
    flag: '--attestation-signing-certificates',
    description:
      'PEM files with the initial policy-management certificates of isolated mode, stored at first start when the store holds none (comma-separated); later changes go through POST /certificates:add and :remove.',
  },
  {
    key: 'attestation.auth.jwksUrl',
    type: 'string',
    default: undefined,
    env: 'CONFIDE_ATTESTATION_AUTH_JWKS_URL',
    flag: '--attestation-auth-jwks-url',
    description: 'HTTPS URL of the JWKS that verifies bearer JWTs on policy and certificate routes (for example an Entra ID or Keycloak jwks_uri).',
  },
  {
    key: 'attestation.auth.publicKey',
    type: 'path',
    default: undefined,
    env: 'CONFIDE_ATTESTATION_AUTH_PUBLIC_KEY',
    flag: '--attestation-auth-public-key',
    description: 'PEM public key (SPKI) or certificate that verifies bearer JWTs, instead of or beside attestation.auth.jwksUrl.',
  },
  {
    key: 'attestation.auth.issuer',
    type: 'string',
    default: undefined,
    env: 'CONFIDE_ATTESTATION_AUTH_ISSUER',
    flag: '--attestation-auth-issuer',
    production: 'required whenever `attestation.auth.jwksUrl` or `attestation.auth.publicKey` is set.',
    devOnly: (value, config) => jwtWithout(value, config, 'issuer'),
    description: 'Required `iss` of bearer JWTs; set it whenever a JWKS or public key is configured.',
  },
  {
    key: 'attestation.auth.audience',
    type: 'string',
    default: undefined,
    env: 'CONFIDE_ATTESTATION_AUTH_AUDIENCE',
    flag: '--attestation-auth-audience',
    production: 'required whenever `attestation.auth.jwksUrl` or `attestation.auth.publicKey` is set.',
    devOnly: (value, config) => jwtWithout(value, config, 'audience'),
    description: 'Required `aud` of bearer JWTs (the Azure SDK asks for https://attest.azure.net/.default); set it whenever a JWKS or public key is configured.',
  },
  {
    key: 'attestation.auth.staticToken',
    type: 'string',
    default: undefined,
    env: 'CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN',
    secret: true,
    description:
      'A fixed bearer token accepted on policy and certificate routes, compared in constant time and never logged; environment only, so it stays out of files and process lists.',
    production:
      'one of `attestation.auth.jwksUrl`, `attestation.auth.publicKey` or this token is required (no accept-any-token mode); the token must come from the environment, not a config file (files get copied, committed and backed up), and carry 32 random bytes (64 hex or 43 base64 characters, not a repeated pattern).',
    devOnly: (value, config, origin) => {
      const auth = (config['attestation'] as { auth?: Record<string, unknown> } | undefined)?.auth ?? {};
      if (auth['jwksUrl'] === undefined && auth['publicKey'] === undefined && auth['staticToken'] === undefined) {
        return 'production mode needs attestation.auth.jwksUrl, attestation.auth.publicKey or CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN; accepting any bearer token is for development only';
      }
      if (typeof value !== 'string') return undefined;
      if (origin === 'file') return 'the static token was read from a config file; give it in CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN only';
      return weakTokenReason(value);
    },
  },
  {
    key: 'keyvault.resource',
    type: 'string',
    default: 'https://vault.azure.net',
    env: 'CONFIDE_KEYVAULT_RESOURCE',
    flag: '--keyvault-resource',
    description:
      'The `resource` of the key vault\'s 401 challenge. The official client asks its credential for `<resource>/.default` and, unless it sets disableChallengeResourceVerification, requires the request host to end with "." + this host (docs/keyvault.md).',
  },
  {
    key: 'keyvault.authorization',
    type: 'string',
    default: 'https://login.microsoftonline.com/common',
    env: 'CONFIDE_KEYVAULT_AUTHORIZATION',
    flag: '--keyvault-authorization',
    description: 'The `authorization` URL of the key vault\'s 401 challenge; the client passes its first path segment to its credential as the tenant.',
  },
  {
    key: 'keyvault.auth.audience',
    type: 'string',
    default: undefined,
    env: 'CONFIDE_KEYVAULT_AUTH_AUDIENCE',
    flag: '--keyvault-auth-audience',
    description:
      'Required `aud` of key vault bearer JWTs (verified with attestation.auth.jwksUrl or publicKey and attestation.auth.issuer); defaults to keyvault.resource. The JWT\'s `roles` name Managed HSM roles (docs/keyvault.md).',
  },
  {
    key: 'keyvault.release.trustedIssuers',
    type: 'list',
    default: undefined,
    env: 'CONFIDE_KEYVAULT_RELEASE_TRUSTED_ISSUERS',
    flag: '--keyvault-release-trusted-issuer',
    description:
      'Attestation token issuers a key release trusts besides this server\'s own attestation service, each `<issuer>=<https JWKS URL>` or `<issuer>=<PEM certificate or public key file>`; the flag repeated or a comma-separated list. A release target must be signed by the issuer its `iss` names, and the key\'s policy `authority` must name that issuer (docs/keyvault-release.md).',
  },
  {
    key: 'keyvault.auth.tokens',
    type: 'string',
    default: undefined,
    env: 'CONFIDE_KEYVAULT_AUTH_TOKENS',
    secret: true,
    description:
      'Static key vault bearer tokens with one role each, `role=token,role=token` (roles officer, user, release), compared in constant time and never logged; environment only. Dev mode without tokens or a JWT verifier accepts any token with every role.',
    production: 'given only in the environment, never a config file; each token carries 32 random bytes (64 hex or 43 base64 characters).',
    devOnly: (value, _config, origin) => {
      if (typeof value !== 'string') return undefined;
      if (origin === 'file') return 'key vault tokens were read from a config file; give them in CONFIDE_KEYVAULT_AUTH_TOKENS only';
      for (const entry of value.split(',')) {
        const weak = weakTokenReason(entry.slice(entry.indexOf('=') + 1).trim());
        if (weak !== undefined) return weak;
      }
      return undefined;
    },
  },
  {
    key: 'keyvault.rsaThreads',
    type: 'integer',
    min: 0,
    max: 64,
    default: undefined,
    env: 'CONFIDE_KEYVAULT_RSA_THREADS',
    flag: '--keyvault-rsa-threads',
    description:
      'Threads that run the RSA private operation of key vault signatures (RS*, PS*; about 0.3 ms each for RSA-2048) while other key vault requests are open, so the event loop goes on serving them meanwhile and signatures use more than one core; a request that is alone is signed on the event loop, where the hand-off to a thread and back would only add time. Started on the first such signature. Default: 2 where the process may use more than one core, 0 on one (a cgroup CPU quota, as Kubernetes sets from a CPU limit, counts: a limit of 1 core or less is one). 0 always signs on the event loop (docs/benchmarks.md).',
  },
  {
    key: 'metrics.port',
    type: 'port',
    default: undefined,
    env: 'CONFIDE_METRICS_PORT',
    flag: '--metrics-port',
    description:
      'Serve Prometheus metrics at GET /metrics on this port, over plain HTTP on its own listener (never the public HTTPS one); off when unset. 0 picks a free port (docs/metrics.md).',
  },
  {
    key: 'metrics.host',
    type: 'string',
    default: '127.0.0.1',
    env: 'CONFIDE_METRICS_HOST',
    flag: '--metrics-host',
    description: 'Address the metrics listener binds to: loopback by default; 0.0.0.0 for a scraper on another host (in Kubernetes, the pod IP). The metrics carry no secret, but restrict who reaches the port.',
  },
  {
    key: 'kubernetes.injector.enabled',
    type: 'boolean',
    default: false,
    env: 'CONFIDE_KUBERNETES_INJECTOR_ENABLED',
    flag: '--kubernetes-injector',
    description:
      'Serve the mutating admission webhook for marble pods at POST /kubernetes/mutate (AdmissionReview v1): what MarbleRun\'s marble injector does, plus `confide run` before the container\'s command (docs/kubernetes.md).',
  },
  {
    key: 'kubernetes.injector.coordinatorAddress',
    type: 'string',
    default: 'confide.confide.svc:8443',
    env: 'CONFIDE_KUBERNETES_INJECTOR_COORDINATOR_ADDRESS',
    flag: '--kubernetes-injector-coordinator-address',
    description: 'host:port the injected marbles reach the coordinator at (their EDG_MARBLE_COORDINATOR_ADDR); the default is the Service of deploy/kubernetes.',
  },
  {
    key: 'kubernetes.injector.clusterDomain',
    type: 'string',
    default: 'cluster.local',
    env: 'CONFIDE_KUBERNETES_INJECTOR_CLUSTER_DOMAIN',
    flag: '--kubernetes-injector-cluster-domain',
    description: "The cluster's DNS domain, for the DNS names injected marbles ask their certificate for (<type>, <type>.<namespace>, <type>.<namespace>.svc.<domain>).",
  },
  {
    key: 'kubernetes.injector.sgxResource',
    type: 'string',
    default: 'sgx.intel.com/epc',
    env: 'CONFIDE_KUBERNETES_INJECTOR_SGX_RESOURCE',
    flag: '--kubernetes-injector-sgx-resource',
    description:
      "The SGX device plugin's resource, as MarbleRun's --sgxResource: sgx.intel.com/epc adds Intel's epc (10Mi), enclave and provision limits; any other (kubernetes.azure.com/sgx_epc_mem_in_MiB, alibabacloud.com/sgx_epc_MiB) one limit of 10; each with a NoSchedule toleration of that key.",
  },
  {
    key: 'kubernetes.injector.launcher',
    type: 'string',
    default: 'confide',
    env: 'CONFIDE_KUBERNETES_INJECTOR_LAUNCHER',
    flag: '--kubernetes-injector-launcher',
    description: "The `confide` executable in marble images, put before each container's command as `<launcher> run --`; a pod's confide.dev/launcher annotation overrides it (`none`: leave the command alone).",
  },
  {
    key: 'ledger.enabled',
    type: 'boolean',
    default: false,
    env: 'CONFIDE_LEDGER_ENABLED',
    flag: '--ledger-enabled',
    description:
      'Serve the Azure Confidential Ledger data plane (/app/transactions, /app/collections, /app/users, /ledgerIdentity/{ledger.id}) on the listeners, and the ledger listener on ledger.port whose certificate chains to the ledger identity (docs/ledger.md).',
  },
  {
    key: 'ledger.port',
    type: 'port',
    default: 8444,
    env: 'CONFIDE_LEDGER_PORT',
    flag: '--ledger-port',
    description:
      'TCP port of the ledger listener, on every host: same routes as the main listener, but its TLS certificate is issued by the ledger\'s service identity, so `ConfidentialLedger(url, identity)` trusts it with nothing else (0 picks a free port).',
  },
  {
    key: 'ledger.id',
    type: 'string',
    default: 'confide',
    env: 'CONFIDE_LEDGER_ID',
    flag: '--ledger-id',
    description: 'The ledger id /ledgerIdentity/{ledgerId} answers for (the first argument of getLedgerIdentity).',
  },
  {
    key: 'ledger.maxEntryBytes',
    type: 'integer',
    min: 1,
    max: 16 * 1024 * 1024,
    default: 512 * 1024,
    env: 'CONFIDE_LEDGER_MAX_ENTRY_BYTES',
    flag: '--ledger-max-entry-bytes',
    description: 'Largest entry contents, in UTF-8 bytes; larger entries get 413 ERR_LEDGER_ENTRY_TOO_LARGE (bodyLimit bounds the whole request too).',
  },
  {
    key: 'ledger.signatureInterval.count',
    type: 'integer',
    min: 1,
    max: 1_000_000,
    default: 5000,
    env: 'CONFIDE_LEDGER_SIGNATURE_INTERVAL_COUNT',
    flag: '--ledger-signature-interval-count',
    description: 'A signature transaction is appended after this many pending entries (CCF\'s sig_tx_interval) or ledger.signatureInterval.ms, whichever comes first; entries are Pending until one covers them.',
  },
  {
    key: 'ledger.signatureInterval.ms',
    type: 'integer',
    min: 1,
    max: 3_600_000,
    default: 1000,
    env: 'CONFIDE_LEDGER_SIGNATURE_INTERVAL_MS',
    flag: '--ledger-signature-interval-ms',
    description: 'Milliseconds after the first pending entry at which a signature transaction is appended (CCF\'s sig_ms_interval).',
  },
  {
    key: 'ledger.auth.audience',
    type: 'string',
    default: 'https://confidential-ledger.azure.com',
    env: 'CONFIDE_LEDGER_AUTH_AUDIENCE',
    flag: '--ledger-auth-audience',
    description:
      'Required `aud` of ledger bearer JWTs, verified with attestation.auth.jwksUrl or publicKey and attestation.auth.issuer (the client asks its credential for `https://confidential-ledger.azure.com/.default`). The token\'s `oid` (else `sub`) is the user id whose role /app/users assigns.',
  },
  {
    key: 'ledger.administrators',
    type: 'list',
    default: undefined,
    env: 'CONFIDE_LEDGER_ADMINISTRATORS',
    flag: '--ledger-administrator',
    description:
      'User ids made Administrator at start unless they already have a role: AAD object ids (a JWT\'s oid) or client certificate SHA-256 fingerprints; the flag repeated or a comma-separated list. Without a JWT verifier, dev mode takes any bearer token or client certificate as an Administrator.',
  },
  {
    key: 'seal.keyFile',
    type: 'path',
    default: undefined,
    env: 'CONFIDE_SEAL_KEY_FILE',
    flag: '--seal-key-file',
    description:
      'File with the 32-byte key that seals key material at rest (raw, 64 hex characters or base64). When absent in dev mode, one is generated in the data directory.',
    production: 'required (no generated seal key); the file must not be readable or writable by group or others, and the key must not be all one byte, have few distinct bytes or count up.',
    devOnly: (value) => (value === undefined ? 'production mode needs seal.keyFile; the generated seal key is for development only' : undefined),
  },
  {
    key: 'coordinator.firstManifestKey',
    type: 'path',
    default: undefined,
    env: 'CONFIDE_COORDINATOR_FIRST_MANIFEST_KEY',
    flag: '--coordinator-first-manifest-key',
    description:
      'PEM certificate or public key of whoever may set the first manifest (also the one after a start-over): POST /api/v2/manifest is accepted only over a TLS connection whose client certificate carries this key. Without it, whoever reaches a fresh coordinator first sets its manifest (a warning at start in production).',
  },
  {
    key: 'coordinator.clientApiPort',
    type: 'port',
    default: undefined,
    env: 'CONFIDE_COORDINATOR_CLIENT_API_PORT',
    flag: '--coordinator-client-api-port',
    description:
      "Serve MarbleRun's client API (v2 under /api/v2 and the deprecated v1 routes at the root) on a listener of its own on this port, at the first `host`, presenting the coordinator's root certificate as its TLS certificate, as MarbleRun's client API on 4433 does: `curl --cacert root.pem` and MarbleRun's CLI, which pins the root from the quote, work against it. Off when unset; 0 picks a free port. The shared listener keeps the configured TLS certificate and the quote's tlsBinding (docs/coordinator.md).",
  },
  {
    key: 'coordinator.tee',
    type: 'enum',
    values: ['auto', 'sgx', 'sev-snp', 'tdx'],
    default: 'auto',
    env: 'CONFIDE_COORDINATOR_TEE',
    flag: '--coordinator-tee',
    description:
      "Production: where the coordinator gets its own evidence for GET /api/v2/quote, through the launcher's sources: sgx = Gramine's /dev/attestation, sev-snp and tdx = Linux configfs-tsm, auto = whichever exists. Production refuses to start when the source gives no evidence, unless coordinator.unattested is set. Dev mode uses the simulated TEE.",
  },
  {
    key: 'coordinator.attestationDir',
    type: 'path',
    default: '/dev/attestation',
    env: 'CONFIDE_COORDINATOR_ATTESTATION_DIR',
    flag: '--coordinator-attestation-dir',
    description: "Gramine's attestation directory (user_report_data, quote, and keys/_sgx_mrsigner and keys/_sgx_mrenclave for the manifest's SealMode ProductKey and UniqueKey), for coordinator.tee sgx or auto.",
  },
  {
    key: 'coordinator.tsmReportDir',
    type: 'path',
    default: '/sys/kernel/config/tsm/report',
    env: 'CONFIDE_COORDINATOR_TSM_REPORT_DIR',
    flag: '--coordinator-tsm-report-dir',
    description: 'The configfs-tsm report directory (Linux 6.7+ in an SEV-SNP or TDX guest), for coordinator.tee sev-snp, tdx or auto.',
  },
  {
    key: 'coordinator.sevGuestDevice',
    type: 'path',
    default: '/dev/sev-guest',
    env: 'CONFIDE_COORDINATOR_SEV_GUEST_DEVICE',
    flag: '--coordinator-sev-guest-device',
    description:
      "The SEV-SNP guest device, for coordinator.tee sev-snp or auto: the manifest's SealMode ProductKey and UniqueKey seal under keys the firmware derives from the chip's VCEK (SNP_GET_DERIVED_KEY), mixing in the guest policy, image ID and family ID, and for UniqueKey the launch measurement (docs/coordinator.md).",
  },
  {
    key: 'coordinator.unattested',
    type: 'boolean',
    default: false,
    env: 'CONFIDE_COORDINATOR_UNATTESTED',
    flag: '--coordinator-unattested',
    description:
      "Production only, the operator's explicit and loud opt-out: start without a working evidence source, and answer GET /api/v2/quote with an empty quote (as MarbleRun in simulation), so nobody can attest this coordinator. A warning says so at every start. Without it production refuses to start (ERR_TEE_UNAVAILABLE).",
  },
  {
    key: 'coordinator.startOver',
    type: 'boolean',
    default: false,
    env: 'CONFIDE_COORDINATOR_START_OVER',
    flag: '--coordinator-start-over',
    description:
      "When the coordinator's sealed state cannot be opened with this seal key, discard it at this start and begin a new deployment (new root CA; the audit log records a new epoch). In production this is the only way to start over: a manifest set in recovery mode is refused. Remove it once used (docs/recovery.md).",
  },
  {
    key: 'coordinator.startupManifest',
    type: 'path',
    default: undefined,
    env: 'EDG_STARTUP_MANIFEST',
    flag: '--coordinator-startup-manifest',
    description:
      "Manifest file set at start instead of waiting for one over the client API (MarbleRun's EDG_STARTUP_MANIFEST). A restart with the manifest already set starts as it is; another manifest already set refuses the start (change it by an update). Its encrypted recovery secrets are written to <dataDir>/coordinator/startup-recovery-secrets.json. Not together with coordinator.firstManifestKey.",
  },
  {
    key: 'coordinator.meshAddr',
    type: 'string',
    default: undefined,
    env: 'EDG_COORDINATOR_MESH_ADDR',
    flag: '--coordinator-mesh-addr',
    description:
      "host:port (or :port for every interface) of MarbleRun's gRPC marble API (rpc.Marble/Activate, docs/coordinator.md), where marbles built for MarbleRun activate; its TLS certificate is the Marble root. Default: the first host, port 2001 (MarbleRun's); with port 0, a free port. `off` serves no marble API.",
  },
  {
    key: 'console.enabled',
    type: 'boolean',
    default: true,
    env: 'CONFIDE_CONSOLE_ENABLED',
    flag: '--console-enabled',
    description:
      'Serve the web console at /console (docs/console.md): static files under a strict Content-Security-Policy; it verifies evidence, tokens, the audit log and ledger receipts in the browser and calls the same APIs as any client, with the same authorization.',
  },
  {
    key: 'console.oidc.issuer',
    type: 'string',
    default: undefined,
    env: 'CONFIDE_CONSOLE_OIDC_ISSUER',
    flag: '--console-oidc-issuer',
    description:
      "OpenID Connect issuer the console signs in with (authorization code with PKCE, a public client): its origin is added to the console's connect-src so the page can fetch the discovery document and redeem the code. The access token it gets must pass the API's own bearer verification (attestation.auth.*). Unset: a pasted bearer token only (nothing at all in dev mode).",
  },
  {
    key: 'console.oidc.clientId',
    type: 'string',
    default: undefined,
    env: 'CONFIDE_CONSOLE_OIDC_CLIENT_ID',
    flag: '--console-oidc-client-id',
    description: 'The console\'s client_id at console.oidc.issuer (a public client: no secret; redirect URI <listen URL>/console/).',
  },
  {
    key: 'console.oidc.scope',
    type: 'string',
    default: 'openid',
    env: 'CONFIDE_CONSOLE_OIDC_SCOPE',
    flag: '--console-oidc-scope',
    description: 'The scope the console asks console.oidc.issuer for (space-separated), e.g. "openid api://confide/.default".',
  },
] as const satisfies readonly ConfigKey[];

type Entry = (typeof CONFIG_SCHEMA)[number];

/** The value type of one schema entry: its `type`, narrowed to its `values` for an enum. */
type ValueOf<E> = E extends { type: 'enum'; values: readonly (infer V)[] }
  ? V
  : E extends { type: 'integer' | 'port' }
    ? number
    : E extends { type: 'boolean' }
      ? boolean
      : E extends { type: 'list' }
        ? string[]
        : string;

/** A key without a default may be absent. */
type LeafOf<E> = ValueOf<E> | (E extends { default: undefined } ? undefined : never);

/** "a.b.c" with value V as { a: { b: { c: V } } }. */
type Nest<K extends string, V> = K extends `${infer Head}.${infer Rest}` ? { [P in Head]: Nest<Rest, V> } : { [P in K]: V };

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Flattens intersections into one object type, so editors and errors show plain nested objects. */
type Expand<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]: Expand<T[K]> } : T;

/** The validated configuration passed down from start; nothing reads process.env later. Derived from CONFIG_SCHEMA, so a key cannot exist in one and not the other. */
export type Config = Expand<UnionToIntersection<Entry extends infer E ? (E extends { key: infer K extends string } ? Nest<K, LeafOf<E>> : never) : never>>;
