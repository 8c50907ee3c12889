/**
 * The marble certificate while the intermediate signs it. An activation renders its templates
 * before the signature exists, so that the store's commit can run beside the signature
 * (core/activation.ts). A template may use the certificate only by encoding it with pem, hex or
 * base64 straight into its output: that prints a placeholder, and complete() puts the
 * certificate's encoding in its place, the bytes rendering with the certificate prints. Any other
 * use (its bytes, its length, raw, .Raw, a comparison, printf or a variable's truth over an
 * encoding) reads it and throws NeedsCertificate; the caller then renders with the certificate
 * once it is signed. What the certificate's bytes decide is never guessed.
 */
import { randomBytes } from 'node:crypto';

/** A template read the marble certificate before it was signed: render with it instead. */
export class NeedsCertificate extends Error {
  constructor() {
    super('the template reads the marble certificate, which is not signed yet');
    this.name = 'NeedsCertificate';
  }
}

/** The encodings a pending certificate may print as. */
export type CertificateEncoding = 'pem' | 'hex' | 'base64';

export function isCertificateEncoding(name: string): name is CertificateEncoding {
  return name === 'pem' || name === 'hex' || name === 'base64';
}

/** The getter of a pending certificate's bytes and of its encodings' text. */
export function needsCertificate(): never {
  throw new NeedsCertificate();
}

// Random per process and never printed (complete() replaces it before anything leaves): no
// secret or template text can hold it. The counter tells one activation's from another's.
const PROCESS_NONCE = randomBytes(16).toString('hex');
let made = 0;

export class PendingCertificate {
  readonly #prefix = `<confide-pending-certificate-${PROCESS_NONCE}-${(made++).toString(36)}:`;

  /** What printing `encoding` of the certificate writes until complete() replaces it. */
  placeholder(encoding: CertificateEncoding): string {
    return `${this.#prefix}${encoding}>`;
  }

  /** `rendered` with every placeholder of this certificate replaced by `encode(encoding)` (ASCII). */
  complete(rendered: Uint8Array, encode: (encoding: CertificateEncoding) => string): Uint8Array {
    const bytes = Buffer.from(rendered.buffer, rendered.byteOffset, rendered.byteLength);
    const prefix = Buffer.from(this.#prefix, 'latin1');
    let at = bytes.indexOf(prefix);
    if (at < 0) return rendered;
    const pieces: Buffer[] = [];
    let from = 0;
    while (at >= 0) {
      const end = bytes.indexOf('>', at + prefix.length, 'latin1');
      const encoding = end < 0 ? '' : bytes.toString('latin1', at + prefix.length, end);
      if (!isCertificateEncoding(encoding)) throw new Error(`a pending certificate's placeholder is cut at byte ${at}`);
      pieces.push(bytes.subarray(from, at), Buffer.from(encode(encoding), 'latin1'));
      from = end + 1;
      at = bytes.indexOf(prefix, from);
    }
    pieces.push(bytes.subarray(from));
    return new Uint8Array(Buffer.concat(pieces));
  }
}
