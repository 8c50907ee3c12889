/**
 * The checks verifying NVIDIA devices needs: each report by its leaf (ECDSA P-384/SHA-384 over
 * everything before the last 96 bytes, r||s big-endian) and each certificate link of each
 * device chain up to the NVIDIA Device Identity CA, a link shared by several devices counted
 * once. A pinned root's self-signature adds nothing and is left out.
 */
import { Buffer } from 'node:buffer';
import { ecdsaDerToRaw, signedObject } from './der.mjs';
import { ecdsaCheck, p384Key } from './floor.mjs';

const SIGNATURE_BYTES = 96;
const P384_SCALAR = 48;

/** The checks for devices `[{ report, chain: DER[] leaf first, root last }]`. */
export function nvidiaChecks(devices) {
  const checks = [];
  const links = new Set();
  for (const [i, { report, chain }] of devices.entries()) {
    const certs = chain.map((der) => signedObject(der));
    checks.push(ecdsaCheck(`report ${i} by its leaf`, p384Key(certs[0].spki), 'SHA-384', report.subarray(report.length - SIGNATURE_BYTES), report.subarray(0, report.length - SIGNATURE_BYTES)));
    for (let k = 0; k + 1 < certs.length; k++) {
      const id = Buffer.from(certs[k].signature).toString('base64');
      if (links.has(id)) continue;
      links.add(id);
      checks.push(ecdsaCheck(`device ${i} certificate ${k}`, p384Key(certs[k + 1].spki), 'SHA-384', ecdsaDerToRaw(certs[k].signature, P384_SCALAR), certs[k].tbs));
    }
  }
  return checks;
}
