/** The bytes of a Files/Env entry: Data decoded per Encoding before any templating (MarbleRun's File.UnmarshalJSON order). */
import { fromBase64, fromHex } from '@confide/core';
import { TemplateError } from './ast.js';
import type { ManifestFile } from '../manifest/types.js';

/** A Files/Env entry as written: the short string form or the object form. */
export type FileInput = string | Partial<ManifestFile>;

/** Decoded data (binary string) and whether to skip templating. Encoding names are case-insensitive, as in Go. Throws TemplateError. */
export function fileData(input: FileInput): { data: string; noTemplates: boolean } {
  if (typeof input === 'string') return { data: Buffer.from(input, 'utf8').toString('latin1'), noTemplates: false };
  const data = input.Data ?? '';
  const encoding = (input.Encoding ?? 'string').toLowerCase();
  let bytes: Uint8Array;
  switch (encoding) {
    case '':
    case 'string':
      bytes = Buffer.from(data, 'utf8');
      break;
    case 'base64': {
      // Go's base64.StdEncoding: padding required, line breaks ignored, nothing else.
      const compact = data.replace(/[\r\n]/g, '');
      if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new TemplateError('invalid', 'Data is not valid base64');
      bytes = fromBase64(compact);
      break;
    }
    case 'hex':
      if (data.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(data)) throw new TemplateError('invalid', 'Data is not valid hex');
      bytes = fromHex(data);
      break;
    default:
      throw new TemplateError('invalid', `unknown encoding type: ${input.Encoding}`);
  }
  return { data: Buffer.from(bytes).toString('latin1'), noTemplates: input.NoTemplates === true };
}
