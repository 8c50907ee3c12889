/**
 * PEM (RFC 7468) text of DER bytes: the one reader and writer of the packages. It writes the
 * way Go's pem.EncodeToMemory does (MarbleRun templates must match it byte for byte): base64 in
 * 64-character lines, every line ending in LF.
 */
import { fromBase64, toBase64 } from './bytes.js';
import { CoreError, type ConfideError } from './errors/index.js';

/** One PEM block: its label (CERTIFICATE, X509 CRL, PUBLIC KEY, …) and its DER bytes. */
export interface PemBlock {
  label: string;
  der: Uint8Array;
}

/** `-----BEGIN <label>-----`, base64 in 64-character lines, `-----END <label>-----`, each line ending in LF. */
export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

function unreadable(message: string): ConfideError {
  return new CoreError('ERR_INPUT_UNREADABLE', message);
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
/** Standard base64 (RFC 4648 section 4), white space removed: a PEM body holds nothing else. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Every PEM block in `text`, in order; text around and between blocks is ignored. Throws
 * ERR_INPUT_UNREADABLE, or the error `fail` makes (a caller's own code, from its own table), for
 * a block whose body is not base64.
 */
export function pemBlocks(text: string, fail: (message: string) => ConfideError = unreadable): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const body = m[2]!.replace(/\s+/g, '');
    let der: Uint8Array | undefined;
    try {
      if (BASE64.test(body)) der = fromBase64(body);
    } catch {
      der = undefined; // a length no base64 has: refused below like any other bad body
    }
    if (!der) throw fail(`PEM block ${m[1]} is not base64`);
    out.push({ label: m[1]!, der });
  }
  return out;
}

/** The DER of the first PEM block with `label`, or undefined. Throws as pemBlocks. */
export function pemDecode(text: string, label: string, fail?: (message: string) => ConfideError): Uint8Array | undefined {
  return pemBlocks(text, fail).find((b) => b.label === label)?.der;
}
