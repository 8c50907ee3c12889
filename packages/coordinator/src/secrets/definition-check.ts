/** Which secret definitions the coordinator can generate or accept; the manifest validator may call this. */
import { isIP } from 'node:net';
import type { ConfideError } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { isCertSecretType, SECRET_TYPES, type Secret } from '../manifest/types.js';

export const ECDSA_SIZES: Readonly<Record<number, string>> = { 224: 'secp224r1', 256: 'prime256v1', 384: 'secp384r1', 521: 'secp521r1' };
export const RSA_DEFAULT_BITS = 2048;
const RSA_MIN_BITS = 2048;
/** Above this, generating one key blocks a core for minutes. */
const RSA_MAX_BITS = 8192;
/** HKDF-SHA256 yields at most 255 * 32 bytes; per-marble keys are derived with it. */
const SYMMETRIC_MAX_BITS = 255 * 32 * 8;
/** Go's x509.ExtKeyUsage numbering (index) to OIDs. */
export const EXT_KEY_USAGE_OIDS: readonly string[] = [
  '2.5.29.37.0', // Any
  '1.3.6.1.5.5.7.3.1', // ServerAuth
  '1.3.6.1.5.5.7.3.2', // ClientAuth
  '1.3.6.1.5.5.7.3.3', // CodeSigning
  '1.3.6.1.5.5.7.3.4', // EmailProtection
  '1.3.6.1.5.5.7.3.5', // IPSECEndSystem
  '1.3.6.1.5.5.7.3.6', // IPSECTunnel
  '1.3.6.1.5.5.7.3.7', // IPSECUser
  '1.3.6.1.5.5.7.3.8', // TimeStamping
  '1.3.6.1.5.5.7.3.9', // OCSPSigning
  '1.3.6.1.4.1.311.10.3.3', // MicrosoftServerGatedCrypto
  '2.16.840.1.113730.4.1', // NetscapeServerGatedCrypto
  '1.3.6.1.4.1.311.2.1.22', // MicrosoftCommercialCodeSigning
  '1.3.6.1.4.1.311.61.1.1', // MicrosoftKernelCodeSigning
];

function invalid(name: string, field: string, message: string): ConfideError {
  const path = `Secrets.${name}${field ? `.${field}` : ''}`;
  return new CoordinatorError('ERR_MANIFEST_INVALID', `${path}: ${message}`, { details: { path } });
}

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Checks one definition: sizes per type, plain only user-defined, certificate template fields. Throws ERR_MANIFEST_INVALID. */
export function checkSecretDefinition(name: string, def: Secret): void {
  if (!SECRET_TYPES.includes(def.Type)) throw invalid(name, 'Type', `unknown secret type ${JSON.stringify(def.Type)}`);
  const size = def.Size ?? 0;
  if (!isUint(size)) throw invalid(name, 'Size', 'must be a non-negative integer');
  switch (def.Type) {
    case 'symmetric-key':
      if (size === 0 || size % 8 !== 0 || size > SYMMETRIC_MAX_BITS) throw invalid(name, 'Size', `must be a multiple of 8 between 8 and ${SYMMETRIC_MAX_BITS}`);
      break;
    case 'plain':
      if (!def.UserDefined) throw invalid(name, 'UserDefined', 'plain secrets are never generated; set UserDefined');
      break;
    case 'cert-ecdsa':
      if (!(size in ECDSA_SIZES) && !(def.UserDefined && size === 0)) throw invalid(name, 'Size', 'must be 224, 256, 384 or 521');
      break;
    case 'cert-ed25519':
      if (size !== 0) throw invalid(name, 'Size', 'must be omitted for cert-ed25519');
      break;
    case 'cert-rsa':
      if (!def.UserDefined && size !== 0 && (size < RSA_MIN_BITS || size > RSA_MAX_BITS || size % 8 !== 0)) {
        throw invalid(name, 'Size', `must be a multiple of 8 between ${RSA_MIN_BITS} and ${RSA_MAX_BITS}`);
      }
      break;
  }
  if (!isCertSecretType(def.Type)) return;
  if (!isUint(def.ValidFor ?? 0)) throw invalid(name, 'ValidFor', 'must be a non-negative integer (days)');
  const cert = def.Cert ?? {};
  if (cert.NotAfter !== undefined) {
    if (typeof cert.NotAfter !== 'string' || Number.isNaN(Date.parse(cert.NotAfter))) throw invalid(name, 'Cert.NotAfter', 'must be an RFC 3339 time');
    if (def.ValidFor) throw invalid(name, 'ValidFor', 'ValidFor and Cert.NotAfter are mutually exclusive');
  }
  for (const ip of cert.IPAddresses ?? []) {
    if (typeof ip !== 'string' || isIP(ip) === 0) throw invalid(name, 'Cert.IPAddresses', `not an IP address: ${JSON.stringify(ip)}`);
  }
  for (const dns of cert.DNSNames ?? []) {
    if (typeof dns !== 'string' || dns.length === 0) throw invalid(name, 'Cert.DNSNames', 'entries must be non-empty strings');
  }
  if (cert.KeyUsage !== undefined && (!isUint(cert.KeyUsage) || cert.KeyUsage > 0x1ff)) throw invalid(name, 'Cert.KeyUsage', 'must be a Go x509.KeyUsage bit set (0..511)');
  for (const eku of cert.ExtKeyUsage ?? []) {
    if (!isUint(eku) || eku >= EXT_KEY_USAGE_OIDS.length) throw invalid(name, 'Cert.ExtKeyUsage', `unknown x509.ExtKeyUsage ${JSON.stringify(eku)}`);
  }
  if (cert.MaxPathLen !== undefined && (typeof cert.MaxPathLen !== 'number' || !Number.isInteger(cert.MaxPathLen) || cert.MaxPathLen < -1)) {
    throw invalid(name, 'Cert.MaxPathLen', 'must be an integer >= -1');
  }
  if (!cert.IsCA && ((cert.MaxPathLen ?? 0) > 0 || cert.MaxPathLenZero)) throw invalid(name, 'Cert.MaxPathLen', 'only CA certificates (IsCA) take a path length');
}

/** Checks every definition (sorted by name, so the first error is stable). Throws ERR_MANIFEST_INVALID. */
export function checkSecretDefinitions(definitions: Record<string, Secret>): void {
  for (const name of Object.keys(definitions).sort()) checkSecretDefinition(name, definitions[name]!);
}

/** MarbleRun's EqualDefinition: a secret is kept across an update only when these fields are unchanged. */
export function sameDefinition(a: Secret, b: Secret): boolean {
  return a.Type === b.Type && (a.Size ?? 0) === (b.Size ?? 0) && !!a.Shared === !!b.Shared && !!a.UserDefined === !!b.UserDefined && (a.ValidFor ?? 0) === (b.ValidFor ?? 0);
}
