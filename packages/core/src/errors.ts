/**
 * Every error Confide raises carries a stable `code` and whether its message may be shown to a
 * remote caller. Core knows no HTTP: the server decides each code's HTTP status
 * (packages/server/src/plugins/http-status.ts). Tests assert codes, never prose.
 * `docs/errors.md` lists every code; a test keeps the two in step.
 */
export const ERROR_CODES = {
  // configuration and usage
  ERR_CONFIG_INVALID: { expose: true, summary: 'A configuration value is missing, of the wrong type, or out of range.' },
  ERR_CONFIG_FILE_UNREADABLE: { expose: true, summary: 'The configuration file cannot be read or is not valid JSON.' },
  ERR_PRODUCTION_REFUSED: { expose: true, summary: 'A development-only setting was given in production mode.' },
  ERR_USAGE: { expose: true, summary: 'A command was called with wrong or missing arguments.' },
  ERR_INPUT_UNREADABLE: { expose: true, summary: 'An input file cannot be read or decoded.' },
  // HTTP surface
  ERR_NOT_FOUND: { expose: true, summary: 'No route matches the method and path.' },
  ERR_BODY_MALFORMED: { expose: true, summary: 'The request body is not valid for its content type (for example, broken JSON).' },
  ERR_BODY_TOO_LARGE: { expose: true, summary: 'The request body is larger than the configured limit.' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { expose: true, summary: 'The request content type is not accepted by this route.' },
  ERR_LIMIT_EXCEEDED: { expose: true, summary: 'An input is larger or nests deeper than a documented limit (details name the limit and its value).' },
  ERR_VALIDATION: { expose: true, summary: 'The request does not match the route schema.' },
  ERR_METHOD_NOT_ALLOWED: { expose: true, summary: 'The route exists but not for this method.' },
  ERR_INTERNAL: { expose: false, summary: 'An unexpected server fault; details are logged, never returned.' },
  ERR_SERVICE_UNAVAILABLE: { expose: true, summary: 'A dependency (such as the store) is not reachable.' },
  // server start
  ERR_PORT_IN_USE: { expose: true, summary: 'The listen address is already in use.' },
  ERR_DATA_DIR_UNUSABLE: { expose: true, summary: 'The data directory cannot be created, read or written.' },
  // storage
  ERR_STORE_CONFLICT: { expose: true, summary: 'A write conflicts with existing data (duplicate key or changed version).' },
  ERR_STORE_UNAVAILABLE: { expose: true, summary: 'The store cannot be opened or reached.' },
  ERR_STORE_MIGRATION_FAILED: { expose: false, summary: 'A schema migration failed; the store was left at the previous version.' },
  ERR_SEAL_UNSEAL_FAILED: { expose: false, summary: 'Sealed key material cannot be opened: another seal key, another context, or altered bytes.' },
  // evidence
  ERR_EVIDENCE_MALFORMED: { expose: true, summary: 'Evidence bytes are truncated or do not follow the format.' },
  ERR_EVIDENCE_UNSUPPORTED: { expose: true, summary: 'The evidence version, type or key algorithm is not supported.' },
  ERR_EVIDENCE_SIGNATURE_INVALID: { expose: true, summary: 'A signature over the evidence, a certificate or collateral does not verify.' },
  ERR_EVIDENCE_CHAIN_INVALID: { expose: true, summary: 'A certificate chain is broken: wrong issuer, bad extension, or not a CA.' },
  ERR_EVIDENCE_UNTRUSTED_ROOT: { expose: true, summary: 'A certificate chain ends at a root that is not pinned.' },
  ERR_EVIDENCE_REVOKED: { expose: true, summary: 'A certificate in the chain is listed in a CRL.' },
  ERR_EVIDENCE_BINDING_MISMATCH: { expose: true, summary: 'Report data or another binding does not match what was expected.' },
  ERR_COLLATERAL_MISSING: { expose: true, summary: 'Collateral needed to verify the evidence is not available.' },
  ERR_COLLATERAL_MALFORMED: { expose: true, summary: 'Collateral (TCB Info, QE Identity, CRL, certificate) cannot be parsed or does not match the evidence.' },
  ERR_COLLATERAL_FETCH_FAILED: { expose: true, summary: 'Collateral could not be fetched from the configured provider.' },
  // attestation policy
  ERR_POLICY_SYNTAX: { expose: true, summary: 'The attestation policy text does not follow the policy grammar (details give line and column).' },
  ERR_POLICY_INVALID: { expose: true, summary: 'The attestation policy parses but is not valid for its version (section, action, function or identifier).' },
  ERR_POLICY_EVALUATION_FAILED: { expose: true, summary: 'A policy rule failed while it was evaluated (bad function argument, JSON or JMESPath query).' },
  ERR_POLICY_DENIED: { expose: true, summary: 'The attestation policy authorization rules did not permit the evidence.' },
  // attestation administration: policy and policy-certificate management (bearer auth uses ERR_UNAUTHENTICATED)
  ERR_POLICY_TOKEN_INVALID: { expose: true, summary: 'A policy or policy-certificate JWS is malformed, carries the wrong payload, or its signature does not verify with its x5c certificate.' },
  ERR_POLICY_SIGNER_UNTRUSTED: { expose: true, summary: 'Isolated mode: the JWS is unsigned, or its signer is not a current policy-management certificate.' },
  ERR_POLICY_REPLAYED: { expose: true, summary: 'Isolated mode: this signed request was already applied, to another policy type or before a later change, and cannot be applied again.' },
  ERR_POLICY_RESERVED_CLAIM: { expose: true, summary: 'The policy issues a claim name reserved for the evidence, the request or the token itself (details name the claim).' },
  ERR_OPERATION_NOT_ALLOWED: { expose: true, summary: 'The operation is not allowed in the current mode or state (for example, removing the last policy-management certificate).' },
  // coordinator: sealing, recovery, audit log
  ERR_SEAL_KEY_UNAVAILABLE: { expose: true, summary: 'The seal key cannot be obtained (missing or unreadable); the coordinator needs recovery.' },
  ERR_RECOVERY_KEYS_INVALID: { expose: true, summary: 'RecoveryKeys or RecoveryThreshold cannot be used: not an RSA public key of 2048 bits or more, or a threshold out of range.' },
  ERR_RECOVERY_SHARE_INVALID: { expose: true, summary: 'A recovery share does not belong to the named recovery key, or is malformed.' },
  ERR_RECOVERY_SHARE_DUPLICATE: { expose: true, summary: 'A recovery share for this recovery key was already accepted.' },
  ERR_AUDIT_LOG_INVALID: { expose: true, summary: 'An audit log breaks its sequence, hash chain or signatures (details give the first bad seq).' },
  // coordinator: manifest templates and secrets
  ERR_MANIFEST_INVALID: { expose: true, summary: 'The manifest is not valid (details give the path of the first bad entry).' },
  ERR_SECRET_INVALID: { expose: true, summary: 'A secret value is unset or does not fit its definition (type, size, key pair, or NUL bytes where text is required).' },
  // coordinator: state machine, users, activation
  ERR_COORDINATOR_STATE: { expose: true, summary: 'The coordinator is not in a state that allows this operation (details give the state).' },
  ERR_UNAUTHENTICATED: { expose: true, summary: 'The request carries no credentials (client certificate or bearer token), or they belong to no known user.' },
  ERR_FORBIDDEN: { expose: true, summary: 'The user\'s roles do not allow this action, or the manifest does not enable the feature.' },
  ERR_ACTIVATION_REFUSED: { expose: true, summary: 'A marble\'s evidence does not match its package in the manifest (details give the field).' },
  ERR_MAX_ACTIVATIONS: { expose: true, summary: 'The marble type has reached its MaxActivations.' },
  // launcher (confide run)
  ERR_TEE_UNAVAILABLE: { expose: true, summary: 'No TEE evidence source is available to the launcher, or it failed (Gramine /dev/attestation, configfs-tsm).' },
  ERR_ACTIVATION_FAILED: { expose: true, summary: 'The launcher could not activate: the coordinator is unreachable, failed, or answered outside the protocol.' },
  ERR_LAUNCH_FAILED: { expose: true, summary: 'The launcher could not write the marble\'s files or start its program.' },
} as const satisfies Record<string, { expose: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Base class of every Confide error. */
export class ConfideError extends Error {
  readonly code: ErrorCode;
  /** Whether the message may be returned to a remote caller. */
  readonly expose: boolean;
  /** Structured details safe to show when `expose` is true. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConfideError';
    this.code = code;
    this.expose = ERROR_CODES[code].expose;
    this.details = options?.details;
  }
}

/** True when `err` is a ConfideError, optionally of the given code. */
export function isConfideError(err: unknown, code?: ErrorCode): err is ConfideError {
  return err instanceof ConfideError && (code === undefined || err.code === code);
}
