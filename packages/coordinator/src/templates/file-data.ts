/** The bytes of a Files/Env entry: Data decoded per Encoding before any templating (MarbleRun's File.UnmarshalJSON order). */
import { TemplateError } from './ast.js';
import { decodeFileData, normalizeEncoding } from '../manifest/file-data.js';
import type { ManifestFile } from '../manifest/types.js';

/** A Files/Env entry as written: the short string form or the object form. */
export type FileInput = string | Partial<ManifestFile>;

/** Decoded data (binary string) and whether to skip templating. Throws TemplateError for an unknown encoding or undecodable data. */
export function fileData(input: FileInput): { data: string; noTemplates: boolean } {
  const file = typeof input === 'string' ? { Data: input } : input;
  const encoding = normalizeEncoding(file.Encoding ?? '');
  if (!encoding) throw new TemplateError('invalid', `unknown encoding type: ${file.Encoding}`);
  const bytes = decodeFileData(file.Data ?? '', encoding);
  if (!bytes) throw new TemplateError('invalid', `Data is not valid ${encoding}`);
  return { data: Buffer.from(bytes).toString('latin1'), noTemplates: file.NoTemplates === true };
}
