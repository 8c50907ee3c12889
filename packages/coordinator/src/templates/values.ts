/** The data a template sees (`.Secrets`, `.Previous.Secrets`, `.MarbleRun`) and Go's field-access rules over it. */
import { TemplateError } from './ast.js';
import type { SecretMap, SecretValue } from '../secrets/types.js';
import { needsCertificate, PendingCertificate } from './pending-certificate.js';

/** Template values; `desc` names where a value came from, for error messages. */
export type Value =
  | { k: 'struct'; type: string; fields: Record<string, Value>; desc: string }
  | { k: 'map'; entries: ReadonlyMap<string, SecretValue>; desc: string }
  | { k: 'secret'; v: SecretValue; desc: string }
  | { k: 'cert' | 'public' | 'private' | 'bytes'; bytes: Uint8Array | undefined; desc: string; pending?: PendingCertificate }
  /** `placeholder`: what an encoded pending certificate prints (pending-certificate.ts). */
  | { k: 'string'; text: string; desc: string; placeholder?: string }
  | { k: 'int' | 'float'; n: number; desc: string }
  | { k: 'bool'; b: boolean; desc: string }
  | { k: 'nil'; desc: string };

/** The coordinator's own entries under `.MarbleRun` (all DER). */
export interface MarbleRunSecrets {
  /** The Marble root certificate. */
  rootCa: Uint8Array;
  /** The certificate, or its placeholder while it is signed (pending-certificate.ts). */
  marbleCert: { cert: Uint8Array | PendingCertificate; public: Uint8Array; private: Uint8Array };
  coordinatorRoot: Uint8Array;
  coordinatorIntermediate: Uint8Array;
}

/** Everything a marble's templates may reference. */
export interface TemplateContext {
  secrets: SecretMap;
  /** Values before the last update or root-secret rotation; defaults to `secrets`. */
  previous?: SecretMap;
  marbleRun: MarbleRunSecrets;
}

/** Binary string (one char per byte) to bytes. */
export function binaryToBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

function secretMap(map: SecretMap, desc: string): Value {
  return { k: 'map', entries: new Map(Object.entries(map)), desc };
}

// The MarbleCert secrets whose certificate is pending: field() hands out its placeholder value.
const pendingOf = new WeakMap<SecretValue, PendingCertificate>();

/** `.MarbleRun.MarbleCert`: with a pending certificate, its Cert throws wherever it is read but through field(). */
function marbleCertSecret({ cert, public: pub, private: priv }: MarbleRunSecrets['marbleCert']): SecretValue {
  if (!(cert instanceof PendingCertificate)) return { Type: '', Cert: cert, Public: pub, Private: priv };
  const secret: SecretValue = {
    Type: '',
    get Cert(): Uint8Array {
      return needsCertificate();
    },
    Public: pub,
    Private: priv,
  };
  pendingOf.set(secret, cert);
  return secret;
}

/** The root value `.` of a template. */
export function rootValue(context: TemplateContext): Value {
  const m = context.marbleRun;
  const reserved = (name: string, v: SecretValue): Value => ({ k: 'secret', v, desc: `.MarbleRun.${name}` });
  return {
    k: 'struct',
    type: 'root',
    desc: '.',
    fields: {
      Secrets: secretMap(context.secrets, '.Secrets'),
      Previous: { k: 'struct', type: 'previous', desc: '.Previous', fields: { Secrets: secretMap(context.previous ?? context.secrets, '.Previous.Secrets') } },
      MarbleRun: {
        k: 'struct',
        type: 'MarbleRun',
        desc: '.MarbleRun',
        fields: {
          RootCA: reserved('RootCA', { Type: '', Cert: m.rootCa }),
          MarbleCert: reserved('MarbleCert', marbleCertSecret(m.marbleCert)),
          CoordinatorRoot: reserved('CoordinatorRoot', { Type: '', Cert: m.coordinatorRoot }),
          CoordinatorIntermediate: reserved('CoordinatorIntermediate', { Type: '', Cert: m.coordinatorIntermediate }),
        },
      },
    },
  };
}

/** `receiver.name` with Go's rules: a missing map key or a field of nil is nil; an unknown field is an error. */
export function field(receiver: Value, name: string, line: number): Value {
  const desc = `${receiver.desc === '.' ? '' : receiver.desc}.${name}`;
  switch (receiver.k) {
    case 'nil':
      return { k: 'nil', desc };
    case 'map': {
      const v = receiver.entries.get(Buffer.from(name, 'latin1').toString('utf8'));
      return v ? { k: 'secret', v, desc } : { k: 'nil', desc };
    }
    case 'struct': {
      const v = receiver.fields[name];
      if (v) return v;
      break;
    }
    case 'secret':
      if (name === 'Cert') {
        const pending = pendingOf.get(receiver.v);
        // Its bytes throw: only an encoding may take it (encoders.ts).
        if (pending) return { k: 'cert', get bytes(): Uint8Array { return needsCertificate(); }, desc, pending };
        return { k: 'cert', bytes: receiver.v.Cert, desc };
      }
      if (name === 'Public') return { k: 'public', bytes: receiver.v.Public, desc };
      if (name === 'Private') return { k: 'private', bytes: receiver.v.Private, desc };
      if (name === 'Type') return { k: 'string', text: receiver.v.Type, desc };
      break;
    case 'cert':
      if (name === 'Raw') return { k: 'bytes', bytes: receiver.bytes, desc };
      break;
  }
  throw new TemplateError('invalid', `can't evaluate field ${name} in ${receiver.desc}`, line);
}
