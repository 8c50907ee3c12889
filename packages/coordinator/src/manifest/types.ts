/**
 * The manifest in MarbleRun's JSON format (PascalCase keys, as Go's encoding/json writes them),
 * plus Confide's TEE extensions in a package. After parsing, every section and every optional
 * list is present (empty when absent), and every map is a null-prototype record.
 */

/** Which TEE a package runs in. Confide extension; MarbleRun manifests mean 'sgx'. */
export type PackageTee = 'sgx' | 'sev-snp' | 'tdx' | 'sim';

export const PACKAGE_TEES: readonly PackageTee[] = ['sgx', 'sev-snp', 'tdx', 'sim'];

/** How a marble's enclave is identified. Absent optional fields are not checked. */
export interface PackageProperties {
  /** Must equal the enclave's debug attribute. */
  Debug: boolean;
  /** MRENCLAVE (sgx) or the simulated measurement (sim), hex, compared case-insensitively. */
  UniqueID?: string;
  /** MRSIGNER (sgx, sim), hex. */
  SignerID?: string;
  /** ISVPRODID. */
  ProductID?: number;
  /** Minimum ISVSVN (sgx, sim) or guest SVN (sev-snp). */
  SecurityVersion?: number;
  /** Accepted besides UpToDate (always accepted, as MarbleRun); default ["UpToDate", "SWHardeningNeeded"]; Confide adds "CollateralExpired". */
  AcceptedTCBStatuses?: string[];
  /** INTEL-SA-xxxxx IDs accepted when the status is SWHardeningNeeded, compared case-insensitively; empty or absent = all. */
  AcceptedAdvisories?: string[];
  /** Confide: the TEE kind, default 'sgx'. */
  Tee?: PackageTee;
  /** Confide, sev-snp: launch measurement, 48 bytes hex. */
  Measurement?: string;
  /** Confide, sev-snp: HOST_DATA, 32 bytes hex. */
  HostData?: string;
  /** Confide, sev-snp: ID_KEY_DIGEST, 48 bytes hex. */
  IdKeyDigest?: string;
  /** Confide, sev-snp: minimum GUEST_SVN. */
  GuestSvn?: number;
  /** Confide, tdx: MRTD, 48 bytes hex. */
  MRTD?: string;
  /** Confide, tdx: runtime measurement registers, 48 bytes hex each. */
  RTMR0?: string;
  RTMR1?: string;
  RTMR2?: string;
  RTMR3?: string;
  /** Confide, tdx: MRCONFIGID, 48 bytes hex. */
  MrConfigId?: string;
}

/** Parsed but not enforced, as in MarbleRun. Byte fields stay base64 as written. */
export interface InfrastructureProperties {
  CPUSVN?: string;
  QESVN?: number;
  PCESVN?: number;
  RootCA?: string;
}

export type FileEncoding = 'string' | 'base64' | 'hex';

/**
 * A file or environment value. The short form `"name": "content"` becomes
 * `{ Data: content, Encoding: 'string', NoTemplates: false }`. `Data` is kept as written;
 * `fileBytes()` decodes it.
 */
export interface ManifestFile {
  Data: string;
  Encoding: FileEncoding;
  NoTemplates: boolean;
}

export interface Parameters {
  Files: Record<string, ManifestFile>;
  Env: Record<string, ManifestFile>;
  /** Passed as is; templates are not expanded. */
  Argv: string[];
}

export interface Marble {
  Package: string;
  /** 0 = unlimited. */
  MaxActivations: number;
  Parameters: Parameters;
  TLS: string[];
  /** Do not mix the marble name into per-marble secret derivation (MarbleRun before 1.6). */
  DisableSecretBinding: boolean;
}

export type SecretType = 'symmetric-key' | 'cert-rsa' | 'cert-ecdsa' | 'cert-ed25519' | 'plain';

export const SECRET_TYPES: readonly SecretType[] = ['symmetric-key', 'cert-rsa', 'cert-ecdsa', 'cert-ed25519', 'plain'];

/** True for the three certificate secret types. */
export function isCertSecretType(type: string): type is 'cert-rsa' | 'cert-ecdsa' | 'cert-ed25519' {
  return type === 'cert-rsa' || type === 'cert-ecdsa' || type === 'cert-ed25519';
}

/** pkix.Name fields a manifest may set. */
export interface CertSubject {
  CommonName?: string;
  SerialNumber?: string;
  Country?: string[];
  Organization?: string[];
  OrganizationalUnit?: string[];
  Locality?: string[];
  Province?: string[];
  StreetAddress?: string[];
  PostalCode?: string[];
}

/**
 * A certificate template: the fields of Go's x509.Certificate that a manifest sets. The common
 * ones are typed; other x509.Certificate fields are kept as written. Issuer, SerialNumber,
 * NotBefore and BasicConstraintsValid are set by the coordinator. A zero NotAfter
 * ("0001-01-01T00:00:00Z") is dropped, as Go treats it as unset.
 */
export interface CertTemplate {
  Subject?: CertSubject;
  /** RFC 3339. */
  NotAfter?: string;
  DNSNames?: string[];
  IPAddresses?: string[];
  EmailAddresses?: string[];
  /** x509.KeyUsage bit set (Go numbering: DigitalSignature = 1, ... CertSign = 32). */
  KeyUsage?: number;
  /** x509.ExtKeyUsage values (Go numbering: ServerAuth = 1, ClientAuth = 2, ...). */
  ExtKeyUsage?: number[];
  IsCA?: boolean;
  MaxPathLen?: number;
  MaxPathLenZero?: boolean;
  [field: string]: unknown;
}

export interface Secret {
  /** One of SECRET_TYPES in a manifest without errors. */
  Type: SecretType;
  /** Bits; 0 when absent. */
  Size: number;
  Shared: boolean;
  UserDefined: boolean;
  /** Days, certificates only; 0 when absent (the coordinator then uses 365). */
  ValidFor: number;
  /** Certificates only. */
  Cert?: CertTemplate;
}

export interface User {
  /** PEM X.509 certificate. */
  Certificate: string;
  Roles: string[];
}

export type RoleResourceType = 'Packages' | 'Secrets' | 'Manifest';

export interface Role {
  ResourceType: RoleResourceType;
  ResourceNames: string[];
  /** Matched case-insensitively, as MarbleRun does. */
  Actions: string[];
}

export interface TLSTagEntry {
  Port: string;
  Addr: string;
  /** Name of a certificate secret (Incoming only). */
  Cert: string;
  DisableClientAuth: boolean;
}

export interface TLSTag {
  Outgoing: TLSTagEntry[];
  Incoming: TLSTagEntry[];
}

export type SealMode = '' | 'ProductKey' | 'UniqueKey' | 'Disabled';

export type FeatureGate = 'SignQuoteEndpoint' | 'MonotonicCounter' | 'AzureHSMSealing';

export const FEATURE_GATES: readonly FeatureGate[] = ['SignQuoteEndpoint', 'MonotonicCounter', 'AzureHSMSealing'];

export interface ManifestConfig {
  SealMode: SealMode;
  /** As written; compared case-insensitively (feature-gates.ts). */
  FeatureGates: string[];
  /** Acknowledgements needed for a full update; 0 = every user with UpdateManifest. */
  UpdateThreshold: number;
  /** 0 = all recovery keys (XOR); otherwise 2..number of keys (Shamir). */
  RecoveryThreshold: number;
  /** Regenerate the root secret on update; derived secrets of the old one stay reachable as .Previous. */
  RotateRootSecret: boolean;
}

export interface Manifest {
  Packages: Record<string, PackageProperties>;
  Infrastructures: Record<string, InfrastructureProperties>;
  Marbles: Record<string, Marble>;
  Users: Record<string, User>;
  Secrets: Record<string, Secret>;
  /** Name -> PEM RSA public key. */
  RecoveryKeys: Record<string, string>;
  Roles: Record<string, Role>;
  TLS: Record<string, TLSTag>;
  Config: ManifestConfig;
}

/** The TCB statuses a package accepts when AcceptedTCBStatuses is absent or empty. */
export const DEFAULT_ACCEPTED_TCB_STATUSES: readonly string[] = ['UpToDate', 'SWHardeningNeeded'];

/** Confide's pseudo TCB status: listing it accepts evidence whose collateral has expired. */
export const COLLATERAL_EXPIRED_STATUS = 'CollateralExpired';
