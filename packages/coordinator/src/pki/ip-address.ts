/** IP addresses as the octets of an X.509 iPAddress name (RFC 5280 4.2.1.6: 4 or 16 bytes). */
import { isIPv4, isIPv6 } from 'node:net';
import { CoordinatorError } from '../errors.js';

function ipv4(text: string): number[] {
  return text.split('.').map(Number);
}

/** The 4 (IPv4) or 16 (IPv6, '::' and a trailing dotted IPv4 allowed) bytes of `text`. Throws ERR_VALIDATION. */
export function ipAddressBytes(text: string): Uint8Array {
  if (isIPv4(text)) return Uint8Array.from(ipv4(text));
  if (!isIPv6(text) || text.includes('%')) throw new CoordinatorError('ERR_VALIDATION', `not an IP address: ${JSON.stringify(text)}`, { details: { dnsName: text } });
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const [a, b, c, d] = ipv4(g);
        out.push((a! << 8) | b!, (c! << 8) | d!);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}
