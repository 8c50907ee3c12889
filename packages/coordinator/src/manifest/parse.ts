/**
 * Reading manifest JSON into a typed Manifest, with Go's decoding rules (see json-reader.ts).
 * Reading never stops at the first problem: type errors drop the bad value and are listed, so
 * checkManifest can report them together with the rule violations.
 */
import { jsonDepth, MAX_JSON_DEPTH } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { decodeFileData, normalizeEncoding } from './file-data.js';
import { findDuplicateKeys } from './json-duplicates.js';
import { isJsonObject, JsonReader } from './json-reader.js';
import { readSecret } from './parse-secret.js';
import type {
  InfrastructureProperties, Manifest, ManifestConfig, ManifestFile, Marble, PackageProperties, PackageTee,
  Role, RoleResourceType, SealMode, TLSTag, TLSTagEntry, User,
} from './types.js';
import { ViolationList, record, type ManifestReport, type PathSegment } from './violation.js';

const TOP_FIELDS = ['Packages', 'Infrastructures', 'Marbles', 'Users', 'Secrets', 'RecoveryKeys', 'Roles', 'TLS', 'Config'] as const;
const PACKAGE_HEX = ['UniqueID', 'SignerID', 'Measurement', 'HostData', 'IdKeyDigest', 'MRTD', 'RTMR0', 'RTMR1', 'RTMR2', 'RTMR3', 'MrConfigId'] as const;
const PACKAGE_FIELDS = ['Debug', ...PACKAGE_HEX, 'ProductID', 'SecurityVersion', 'GuestSvn', 'AcceptedTCBStatuses', 'AcceptedAdvisories', 'Tee'] as const;

function readPackage(r: JsonReader, value: unknown, at: PathSegment[]): PackageProperties | undefined {
  if (value === null) return { Debug: false };
  const f = r.fields(value, at, PACKAGE_FIELDS);
  if (!f) return undefined;
  const pkg: PackageProperties = { Debug: r.bool(f.get('Debug'), [...at, 'Debug']) ?? false };
  for (const name of PACKAGE_HEX) {
    const s = r.string(f.get(name), [...at, name]);
    // Go cannot tell "" from absent; neither do we.
    if (s !== undefined && s !== '') pkg[name] = s;
  }
  const productId = r.uint(f.get('ProductID'), [...at, 'ProductID']);
  if (productId !== undefined) pkg.ProductID = productId;
  const svn = r.uint(f.get('SecurityVersion'), [...at, 'SecurityVersion']);
  if (svn !== undefined) pkg.SecurityVersion = svn;
  const guestSvn = r.uint(f.get('GuestSvn'), [...at, 'GuestSvn'], 0xffffffff);
  if (guestSvn !== undefined) pkg.GuestSvn = guestSvn;
  const statuses = r.strings(f.get('AcceptedTCBStatuses'), [...at, 'AcceptedTCBStatuses']);
  if (statuses !== undefined) pkg.AcceptedTCBStatuses = statuses;
  const advisories = r.strings(f.get('AcceptedAdvisories'), [...at, 'AcceptedAdvisories']);
  if (advisories !== undefined) pkg.AcceptedAdvisories = advisories;
  const tee = r.string(f.get('Tee'), [...at, 'Tee']);
  if (tee !== undefined && tee !== '') pkg.Tee = tee as PackageTee;
  return pkg;
}

function readInfrastructure(r: JsonReader, value: unknown, at: PathSegment[]): InfrastructureProperties | undefined {
  const f = r.fields(value ?? {}, at, ['CPUSVN', 'QESVN', 'PCESVN', 'RootCA']);
  if (!f) return undefined;
  const out: InfrastructureProperties = {};
  for (const name of ['CPUSVN', 'RootCA'] as const) {
    const s = r.string(f.get(name), [...at, name]);
    if (s === undefined) continue;
    if (decodeFileData(s, 'base64') === undefined) r.mismatch([...at, name], 'base64 bytes', s);
    else out[name] = s;
  }
  for (const name of ['QESVN', 'PCESVN'] as const) {
    const n = r.uint(f.get(name), [...at, name], 0xffff);
    if (n !== undefined) out[name] = n;
  }
  return out;
}

function readFile(r: JsonReader, value: unknown, at: PathSegment[]): ManifestFile | undefined {
  if (typeof value === 'string') return { Data: value, Encoding: 'string', NoTemplates: false };
  if (!isJsonObject(value)) return r.mismatch(at, 'a string or an object with Data, Encoding, NoTemplates', value);
  const f = r.fields(value, at, ['Data', 'Encoding', 'NoTemplates']);
  if (!f) return undefined;
  const data = r.string(f.get('Data'), [...at, 'Data']) ?? '';
  const encodingText = r.string(f.get('Encoding'), [...at, 'Encoding']) ?? '';
  const encoding = normalizeEncoding(encodingText);
  if (encoding === undefined) {
    r.v.error('file.encoding-unknown', [...at, 'Encoding'], `unknown encoding "${encodingText}" (string, base64 or hex)`);
    return undefined;
  }
  if (decodeFileData(data, encoding) === undefined) {
    r.v.error('file.data-invalid', [...at, 'Data'], `Data is not valid ${encoding}`);
    return undefined;
  }
  return { Data: data, Encoding: encoding, NoTemplates: r.bool(f.get('NoTemplates'), [...at, 'NoTemplates']) ?? false };
}

function readMarble(r: JsonReader, value: unknown, at: PathSegment[]): Marble | undefined {
  const marble: Marble = { Package: '', MaxActivations: 0, Parameters: { Files: record(), Env: record(), Argv: [] }, TLS: [], DisableSecretBinding: false };
  if (value === null) return marble;
  const f = r.fields(value, at, ['Package', 'MaxActivations', 'Parameters', 'TLS', 'DisableSecretBinding']);
  if (!f) return undefined;
  marble.Package = r.string(f.get('Package'), [...at, 'Package']) ?? '';
  marble.MaxActivations = r.uint(f.get('MaxActivations'), [...at, 'MaxActivations']) ?? 0;
  marble.TLS = r.strings(f.get('TLS'), [...at, 'TLS']) ?? [];
  marble.DisableSecretBinding = r.bool(f.get('DisableSecretBinding'), [...at, 'DisableSecretBinding']) ?? false;
  const pat = [...at, 'Parameters'];
  const p = r.fields(f.get('Parameters'), pat, ['Files', 'Env', 'Argv']);
  if (p) {
    marble.Parameters.Files = r.map(p.get('Files'), [...pat, 'Files'], (v, q) => readFile(r, v, q));
    marble.Parameters.Env = r.map(p.get('Env'), [...pat, 'Env'], (v, q) => readFile(r, v, q));
    marble.Parameters.Argv = r.strings(p.get('Argv'), [...pat, 'Argv']) ?? [];
  }
  return marble;
}

function readUser(r: JsonReader, value: unknown, at: PathSegment[]): User | undefined {
  const f = r.fields(value ?? {}, at, ['Certificate', 'Roles']);
  if (!f) return undefined;
  return { Certificate: r.string(f.get('Certificate'), [...at, 'Certificate']) ?? '', Roles: r.strings(f.get('Roles'), [...at, 'Roles']) ?? [] };
}

function readRole(r: JsonReader, value: unknown, at: PathSegment[]): Role | undefined {
  const f = r.fields(value ?? {}, at, ['ResourceType', 'ResourceNames', 'Actions']);
  if (!f) return undefined;
  return {
    ResourceType: (r.string(f.get('ResourceType'), [...at, 'ResourceType']) ?? '') as RoleResourceType,
    ResourceNames: r.strings(f.get('ResourceNames'), [...at, 'ResourceNames']) ?? [],
    Actions: r.strings(f.get('Actions'), [...at, 'Actions']) ?? [],
  };
}

function readTagEntry(r: JsonReader, value: unknown, at: PathSegment[]): TLSTagEntry | undefined {
  const f = r.fields(value ?? {}, at, ['Port', 'Addr', 'Cert', 'DisableClientAuth']);
  if (!f) return undefined;
  return {
    Port: r.string(f.get('Port'), [...at, 'Port']) ?? '',
    Addr: r.string(f.get('Addr'), [...at, 'Addr']) ?? '',
    Cert: r.string(f.get('Cert'), [...at, 'Cert']) ?? '',
    DisableClientAuth: r.bool(f.get('DisableClientAuth'), [...at, 'DisableClientAuth']) ?? false,
  };
}

function readTag(r: JsonReader, value: unknown, at: PathSegment[]): TLSTag | undefined {
  const f = r.fields(value ?? {}, at, ['Outgoing', 'Incoming']);
  if (!f) return undefined;
  return {
    Outgoing: r.list(f.get('Outgoing'), [...at, 'Outgoing'], (v, q) => readTagEntry(r, v, q)) ?? [],
    Incoming: r.list(f.get('Incoming'), [...at, 'Incoming'], (v, q) => readTagEntry(r, v, q)) ?? [],
  };
}

function readConfig(r: JsonReader, value: unknown): ManifestConfig {
  const at = ['Config'];
  const f = r.fields(value, at, ['SealMode', 'FeatureGates', 'UpdateThreshold', 'RecoveryThreshold', 'RotateRootSecret']) ?? new Map<string, unknown>();
  return {
    SealMode: (r.string(f.get('SealMode'), [...at, 'SealMode']) ?? '') as SealMode,
    FeatureGates: r.strings(f.get('FeatureGates'), [...at, 'FeatureGates']) ?? [],
    UpdateThreshold: r.uint(f.get('UpdateThreshold'), [...at, 'UpdateThreshold']) ?? 0,
    RecoveryThreshold: r.uint(f.get('RecoveryThreshold'), [...at, 'RecoveryThreshold']) ?? 0,
    RotateRootSecret: r.bool(f.get('RotateRootSecret'), [...at, 'RotateRootSecret']) ?? false,
  };
}

/** An empty manifest: every section present and empty. */
function emptyManifest(): Manifest {
  return {
    Packages: record(), Infrastructures: record(), Marbles: record(), Users: record(), Secrets: record(),
    RecoveryKeys: record(), Roles: record(), TLS: record(),
    Config: { SealMode: '', FeatureGates: [], UpdateThreshold: 0, RecoveryThreshold: 0, RotateRootSecret: false },
  };
}

export interface ReadManifestResult extends ManifestReport {
  /** Best effort: values with type errors are left out. */
  manifest: Manifest;
}

/**
 * Reads manifest JSON text (or an already decoded object) and lists type errors, unknown keys
 * (warnings), keys matched only case-insensitively and repeated keys. Never throws.
 */
export function readManifest(input: string | Uint8Array | unknown): ReadManifestResult {
  const v = new ViolationList();
  const r = new JsonReader(v);
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    try {
      value = JSON.parse(text);
    } catch (err) {
      v.error('json.syntax', [], `not valid JSON: ${(err as Error).message}`);
      return { manifest: emptyManifest(), ...v.report() };
    }
    for (const at of findDuplicateKeys(text)) v.warn('json.duplicate-key', at, 'the key appears more than once in this object; the last one is used');
  }
  const m = emptyManifest();
  // The reader, diff and canonical forms walk the value recursively.
  if (jsonDepth(value) > MAX_JSON_DEPTH) {
    v.error('json.max-depth', [], `the manifest nests deeper than the limit json.maxDepth (${MAX_JSON_DEPTH})`);
    return { manifest: m, ...v.report() };
  }
  if (!isJsonObject(value)) {
    v.error('json.not-object', [], 'the manifest must be a JSON object');
    return { manifest: m, ...v.report() };
  }
  const f = r.fields(value, [], TOP_FIELDS) ?? new Map<string, unknown>();
  m.Packages = r.map(f.get('Packages'), ['Packages'], (x, at) => readPackage(r, x, at));
  m.Infrastructures = r.map(f.get('Infrastructures'), ['Infrastructures'], (x, at) => readInfrastructure(r, x, at));
  m.Marbles = r.map(f.get('Marbles'), ['Marbles'], (x, at) => readMarble(r, x, at));
  m.Users = r.map(f.get('Users'), ['Users'], (x, at) => readUser(r, x, at));
  m.Secrets = r.map(f.get('Secrets'), ['Secrets'], (x, at) => readSecret(r, x, at));
  m.RecoveryKeys = r.map(f.get('RecoveryKeys'), ['RecoveryKeys'], (x, at) => (x === null ? '' : r.string(x, at)));
  m.Roles = r.map(f.get('Roles'), ['Roles'], (x, at) => readRole(r, x, at));
  m.TLS = r.map(f.get('TLS'), ['TLS'], (x, at) => readTag(r, x, at));
  m.Config = readConfig(r, f.get('Config'));
  return { manifest: m, ...v.report() };
}

/** Reads a manifest; throws ERR_MANIFEST_INVALID (details.violations) when it is not JSON or has type errors. */
export function parseManifest(input: string | Uint8Array | unknown): Manifest {
  const { manifest, errors, warnings } = readManifest(input);
  if (errors.length > 0) {
    throw new CoordinatorError('ERR_MANIFEST_INVALID', `the manifest cannot be read: ${errors.length} error(s), first at ${errors[0]!.path || '(root)'}: ${errors[0]!.message}`, {
      details: { violations: errors, warnings },
    });
  }
  return manifest;
}
