/** Checks the template actions of one File or Env value against the manifest's secrets. */
import { scanTemplate } from './template-refs.js';
import { isCertSecretType, type Manifest } from './types.js';
import { lookup, type PathSegment, type ViolationList } from './violation.js';

export type TemplateContext = 'Files' | 'Env';

const ENCODINGS: Record<TemplateContext, readonly string[]> = {
  Files: ['pem', 'hex', 'raw', 'base64'],
  Env: ['pem', 'hex', 'string', 'base64'],
};
const ALL_ENCODINGS = ['pem', 'hex', 'raw', 'base64', 'string'];
const SECRET_PARTS = ['Cert', 'Public', 'Private'];
/** The reserved .MarbleRun values and the parts they have. */
const MARBLERUN_REFS: Record<string, readonly string[]> = {
  RootCA: ['Cert'],
  MarbleCert: ['Cert', 'Public', 'Private'],
  CoordinatorRoot: ['Cert'],
  CoordinatorIntermediate: ['Cert'],
};

function checkSecretRef(
  m: Manifest, ctx: TemplateContext, encoding: string, name: string, part: string | undefined, previous: boolean,
  at: PathSegment[], text: string, v: ViolationList, used: Set<string>,
): void {
  if (part !== undefined && !SECRET_PARTS.includes(part)) {
    v.error('template.part-unknown', at, `${text}: part "${part}" is not Cert, Public or Private`);
    return;
  }
  if (encoding === 'pem' && part === undefined) {
    v.error('template.pem-needs-part', at, `${text}: pem needs .Cert, .Public or .Private`);
    return;
  }
  // .Previous names a secret of the previous manifest, which may be gone from this one.
  if (previous) {
    if (encoding === 'string' && part !== undefined) v.error('template.string-not-plain', at, `${text}: string encodes only a whole plain secret`);
    return;
  }
  const secret = lookup(m.Secrets, name);
  if (!secret) {
    v.error('template.secret-unknown', at, `${text}: secret "${name}" is not in Secrets`);
    return;
  }
  used.add(name);
  if (part === 'Cert' && !isCertSecretType(secret.Type)) {
    v.error('template.part-unavailable', at, `${text}: a ${secret.Type} secret has no Cert`);
  }
  if (encoding === 'string' && ctx === 'Env') {
    if (!secret.UserDefined) v.error('template.string-not-user-defined', at, `${text}: string encoding is only for UserDefined secrets`);
    else if (secret.Type !== 'plain' || part !== undefined) v.error('template.string-not-plain', at, `${text}: string encodes only a whole plain secret`);
  }
}

/** Checks `data` (already decoded) of a File or Env entry at `at`; records the secrets it uses in `used`. */
export function validateTemplate(m: Manifest, ctx: TemplateContext, data: string, at: PathSegment[], v: ViolationList, used: Set<string>): void {
  for (const action of scanTemplate(data)) {
    if (action.kind === 'comment' || action.kind === 'literal') continue;
    if (action.kind === 'error') {
      v.error(action.error === 'syntax' ? 'template.syntax' : 'template.unsupported', at, action.message);
      continue;
    }
    const { encoding, ref, text } = action;
    if (encoding === undefined) {
      v.error('template.no-encoding', at, `${text}: name an encoding, e.g. {{ pem .Secrets.name.Cert }}`);
      continue;
    }
    if (!ALL_ENCODINGS.includes(encoding)) {
      v.error('template.encoding-unknown', at, `${text}: unknown encoding "${encoding}"`);
      continue;
    }
    if (!ENCODINGS[ctx].includes(encoding)) {
      v.error('template.encoding-not-allowed', at, `${text}: ${encoding} is not available in ${ctx}`);
      continue;
    }
    const [root, second, third, fourth, ...rest] = ref;
    if (root === 'Secrets' && second !== undefined && fourth === undefined) {
      checkSecretRef(m, ctx, encoding, second, third, false, at, text, v, used);
    } else if (root === 'Previous' && second === 'Secrets' && third !== undefined && rest.length === 0) {
      checkSecretRef(m, ctx, encoding, third, fourth, true, at, text, v, used);
    } else if (root === 'MarbleRun' && second !== undefined && third !== undefined && fourth === undefined && MARBLERUN_REFS[second]?.includes(third)) {
      if (encoding === 'string') v.error('template.string-not-plain', at, `${text}: string encodes only a whole plain secret`);
    } else {
      v.error('template.reference-unknown', at, `${text}: .${ref.join('.')} is not a secret or a .MarbleRun certificate`);
    }
  }
}
