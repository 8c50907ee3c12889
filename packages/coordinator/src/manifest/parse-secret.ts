/** Reading a Secrets entry and its x509 certificate template. */
import { isIP } from 'node:net';
import type { JsonReader } from './json-reader.js';
import type { CertSubject, CertTemplate, Secret, SecretType } from './types.js';
import type { PathSegment } from './violation.js';

const SECRET_FIELDS = ['Type', 'Size', 'Shared', 'UserDefined', 'Cert', 'ValidFor'] as const;

const SUBJECT_STRINGS = ['CommonName', 'SerialNumber'] as const;
const SUBJECT_LISTS = ['Country', 'Organization', 'OrganizationalUnit', 'Locality', 'Province', 'StreetAddress', 'PostalCode'] as const;
/** pkix.Name fields kept as written. */
const SUBJECT_OTHER = ['Names', 'ExtraNames'] as const;

const CERT_STRING_LISTS = ['DNSNames', 'EmailAddresses'] as const;
/** Further x509.Certificate fields: accepted and kept as written. */
const CERT_OTHER = [
  'Raw', 'RawTBSCertificate', 'RawSubjectPublicKeyInfo', 'RawSubject', 'RawIssuer', 'Signature', 'SignatureAlgorithm',
  'PublicKeyAlgorithm', 'PublicKey', 'Version', 'Extensions', 'ExtraExtensions', 'UnhandledCriticalExtensions',
  'UnknownExtKeyUsage', 'SubjectKeyId', 'AuthorityKeyId', 'OCSPServer', 'IssuingCertificateURL', 'URIs',
  'PermittedDNSDomainsCritical', 'PermittedDNSDomains', 'ExcludedDNSDomains', 'PermittedIPRanges', 'ExcludedIPRanges',
  'PermittedEmailAddresses', 'ExcludedEmailAddresses', 'PermittedURIDomains', 'ExcludedURIDomains',
  'CRLDistributionPoints', 'PolicyIdentifiers', 'Policies', 'InhibitAnyPolicy', 'InhibitAnyPolicyZero',
  'InhibitPolicyMapping', 'InhibitPolicyMappingZero', 'RequireExplicitPolicy', 'RequireExplicitPolicyZero', 'PolicyMappings',
] as const;
/** Set by the coordinator whatever the template says. */
const CERT_OVERRIDDEN = ['Issuer', 'SerialNumber', 'NotBefore', 'BasicConstraintsValid'] as const;

const CERT_FIELDS = [
  'Subject', 'NotAfter', ...CERT_STRING_LISTS, 'IPAddresses', 'KeyUsage', 'ExtKeyUsage', 'IsCA', 'MaxPathLen', 'MaxPathLenZero',
  ...CERT_OVERRIDDEN, ...CERT_OTHER,
] as const;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
/** Go's zero time.Time, which x509 code treats as "NotAfter not set". */
const ZERO_TIME = /^0001-01-01T00:00:00(?:\.0+)?(?:Z|[+-]00:00)$/;

function readSubject(r: JsonReader, value: unknown, at: PathSegment[]): CertSubject | undefined {
  const f = r.fields(value, at, [...SUBJECT_STRINGS, ...SUBJECT_LISTS, ...SUBJECT_OTHER]);
  if (!f) return undefined;
  const out: CertSubject & Record<string, unknown> = {};
  for (const [name, v] of f) {
    if ((SUBJECT_STRINGS as readonly string[]).includes(name)) {
      const s = r.string(v, [...at, name]);
      if (s !== undefined) out[name] = s;
    } else if ((SUBJECT_LISTS as readonly string[]).includes(name)) {
      const l = r.strings(v, [...at, name]);
      if (l !== undefined) out[name] = l;
    } else if (v !== null) {
      out[name] = v;
    }
  }
  return out;
}

function readCert(r: JsonReader, value: unknown, at: PathSegment[]): CertTemplate | undefined {
  const f = r.fields(value, at, CERT_FIELDS);
  if (!f) return undefined;
  const out: CertTemplate = {};
  for (const [name, v] of f) {
    const p = [...at, name];
    switch (name) {
      case 'Subject': {
        const s = readSubject(r, v, p);
        if (s) out.Subject = s;
        break;
      }
      case 'NotAfter': {
        const s = r.string(v, p);
        if (s === undefined) break;
        if (!RFC3339.test(s) || Number.isNaN(Date.parse(s))) r.v.error('secret.not-after-invalid', p, `"${s}" is not an RFC 3339 time`);
        else if (!ZERO_TIME.test(s)) out.NotAfter = s;
        break;
      }
      case 'IPAddresses': {
        const l = r.strings(v, p);
        if (!l) break;
        l.forEach((ip, i) => {
          if (ip !== '' && isIP(ip) === 0) r.v.error('secret.ip-invalid', [...p, i], `"${ip}" is not an IP address`);
        });
        out.IPAddresses = l.filter((ip) => isIP(ip) !== 0);
        break;
      }
      case 'KeyUsage': {
        const n = r.int(v, p);
        if (n !== undefined) out.KeyUsage = n;
        break;
      }
      case 'ExtKeyUsage': {
        const l = r.list(v, p, (x, q) => r.int(x, q));
        if (l) out.ExtKeyUsage = l;
        break;
      }
      case 'MaxPathLen': {
        const n = r.int(v, p);
        if (n !== undefined) out.MaxPathLen = n;
        break;
      }
      case 'IsCA':
      case 'MaxPathLenZero': {
        const b = r.bool(v, p);
        if (b !== undefined) out[name] = b;
        break;
      }
      case 'DNSNames':
      case 'EmailAddresses': {
        const l = r.strings(v, p);
        if (l) out[name] = l;
        break;
      }
      default:
        if ((CERT_OVERRIDDEN as readonly string[]).includes(name)) {
          r.v.warn('secret.cert-field-overridden', p, `${name} is set by the coordinator; the manifest value is ignored`);
        } else if (v !== null) {
          out[name] = v;
        }
    }
  }
  return out;
}

/** Reads one Secrets entry; undefined when it is not an object. */
export function readSecret(r: JsonReader, value: unknown, at: PathSegment[]): Secret | undefined {
  if (value === null) return { Type: '' as SecretType, Size: 0, Shared: false, UserDefined: false, ValidFor: 0 };
  const f = r.fields(value, at, SECRET_FIELDS, ['Private', 'Public']);
  if (!f) return undefined;
  const secret: Secret = {
    Type: (r.string(f.get('Type'), [...at, 'Type']) ?? '') as SecretType,
    Size: r.uint(f.get('Size'), [...at, 'Size']) ?? 0,
    Shared: r.bool(f.get('Shared'), [...at, 'Shared']) ?? false,
    UserDefined: r.bool(f.get('UserDefined'), [...at, 'UserDefined']) ?? false,
    ValidFor: r.uint(f.get('ValidFor'), [...at, 'ValidFor']) ?? 0,
  };
  const certValue = f.get('Cert');
  if (typeof certValue === 'string') {
    // Go would read a string as base64 DER of a whole certificate (the sealed-state form).
    r.mismatch([...at, 'Cert'], 'a certificate template object', certValue);
  } else {
    const cert = readCert(r, certValue, [...at, 'Cert']);
    if (cert) secret.Cert = cert;
  }
  return secret;
}
