/** Marble rules: package and TLS references, Env values, and the templates in Files and Env. */
import { decodeFileData } from './file-data.js';
import type { Manifest, ManifestFile } from './types.js';
import { validateTemplate, type TemplateContext } from './validate-templates.js';
import { lookup, type PathSegment, type ViolationList } from './violation.js';

function decoded(file: ManifestFile): Uint8Array {
  return decodeFileData(file.Data, file.Encoding) ?? new Uint8Array();
}

/** One char per byte, as the template engine reads data at rendering. */
function binaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

function checkEntries(m: Manifest, ctx: TemplateContext, entries: Record<string, ManifestFile>, at: PathSegment[], v: ViolationList, used: Set<string>): void {
  for (const [name, file] of Object.entries(entries)) {
    const here = [...at, name];
    const bytes = decoded(file);
    if (ctx === 'Env') {
      if (name === '' || name.includes('=') || name.includes('\0')) v.warn('marble.env-name', here, 'an environment variable name must be non-empty and contain no "=" or NUL');
      if (bytes.includes(0)) v.error('marble.env-nul', here, 'the value contains a NUL byte, which an environment variable cannot hold');
    }
    if (!file.NoTemplates) validateTemplate(m, ctx, binaryString(bytes), here, v, used);
  }
}

/** Checks every marble; adds the names of the secrets their templates use to `used`. */
export function validateMarbles(m: Manifest, v: ViolationList, used: Set<string>): void {
  if (Object.keys(m.Marbles).length === 0) v.error('manifest.no-marbles', ['Marbles'], 'no marbles defined');
  for (const [name, marble] of Object.entries(m.Marbles)) {
    const at = ['Marbles', name];
    if (!lookup(m.Packages, marble.Package)) {
      v.error('marble.package-missing', [...at, 'Package'], `package "${marble.Package}" is not in Packages`);
    }
    marble.TLS.forEach((tag, i) => {
      if (!lookup(m.TLS, tag)) v.error('marble.tls-tag-missing', [...at, 'TLS', i], `TLS tag "${tag}" is not in TLS`);
    });
    checkEntries(m, 'Files', marble.Parameters.Files, [...at, 'Parameters', 'Files'], v, used);
    checkEntries(m, 'Env', marble.Parameters.Env, [...at, 'Parameters', 'Env'], v, used);
    marble.Parameters.Argv.forEach((arg, i) => {
      if (arg.includes('{{')) v.warn('marble.argv-template', [...at, 'Parameters', 'Argv', i], 'Argv is passed literally; templates are not expanded');
    });
  }
}
