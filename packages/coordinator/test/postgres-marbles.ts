/**
 * What the PostgreSQL coordinator tests share: the test server, a simulation key, an updater
 * user, a manifest of a limited and a free simulated marble type, and an activation of a fresh
 * marble (its own key, simulated evidence bound to it).
 */
import { after } from 'node:test';
import { createHash, webcrypto } from 'node:crypto';
import { utf8 } from '@confide/core';
import { createSimEvidence } from '@confide/evidence';
import { testIdentity } from '@confide/test-kit/identity';
import { testPostgres } from '@confide/test-kit/postgres';
import type { CoordinatorService } from '../src/index.js';

export const server = testPostgres();
after(() => server.stop());

const P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const MEASUREMENT = new Uint8Array(32).fill(0x42);
export const simKey = (await webcrypto.subtle.generateKey(P256, true, ['sign', 'verify'])) as CryptoKeyPair;
export const alice = await testIdentity('alice');

/** Marble types `limited` (MaxActivations `limit`) and `free`, each with the env WHO=`who`; alice may update. */
export function manifest(who: string, limit: number): Uint8Array {
  return utf8(
    JSON.stringify({
      Packages: { pkg: { Tee: 'sim', UniqueID: Buffer.from(MEASUREMENT).toString('hex'), Debug: false } },
      Marbles: {
        limited: { Package: 'pkg', MaxActivations: limit, Parameters: { Env: { WHO: who } } },
        free: { Package: 'pkg', Parameters: { Env: { WHO: who } } },
      },
      Users: { alice: { Certificate: alice.pem, Roles: ['updater'] } },
      Roles: { updater: { ResourceType: 'Manifest', Actions: ['UpdateManifest'] } },
      Config: { UpdateThreshold: 1 },
    }),
  );
}

export async function activate(service: CoordinatorService, marbleType: string, uuid: string) {
  const id = await testIdentity('marble');
  const reportData = new Uint8Array(createHash('sha256').update(id.spki).digest());
  const evidence = await createSimEvidence(simKey, { measurement: MEASUREMENT, reportData });
  return service.activate({ marbleType, uuid, tee: 'sim', evidence, clientCertificate: id.der });
}
