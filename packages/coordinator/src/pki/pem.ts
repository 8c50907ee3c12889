/** PEM blocks written the way Go's pem.EncodeToMemory writes them (templates must match MarbleRun byte for byte). */
import { ConfideError, fromBase64, toBase64 } from '@confide/core';

/** `-----BEGIN <label>-----`, base64 in 64-character lines, `-----END <label>-----`, each line ending in LF. */
export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** Every PEM block in `text`, in order. Throws ERR_INPUT_UNREADABLE for a block whose body is not base64. */
export function pemBlocks(text: string): { label: string; der: Uint8Array }[] {
  const out: { label: string; der: Uint8Array }[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2]!.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new ConfideError('ERR_INPUT_UNREADABLE', `PEM block ${m[1]} is not base64`);
    out.push({ label: m[1]!, der: fromBase64(body) });
  }
  return out;
}

/** The DER of the first PEM block with `label`, or undefined. */
export function pemDecode(text: string, label: string): Uint8Array | undefined {
  return pemBlocks(text).find((b) => b.label === label)?.der;
}
