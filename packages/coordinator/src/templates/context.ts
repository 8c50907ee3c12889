/** Building a marble's template context from the coordinator PKI and its activation. */
import { pemDecode } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { CoordinatorPki } from '../pki/types.js';
import type { SecretMap } from '../secrets/types.js';
import type { PendingCertificate } from './pending-certificate.js';
import type { TemplateContext } from './values.js';

function der(pem: string, what: string): Uint8Array {
  const bytes = pemDecode(pem, 'CERTIFICATE');
  if (!bytes) throw new CoordinatorError('ERR_INTERNAL', `coordinator PKI state: ${what} is not a PEM certificate`);
  return bytes;
}

/**
 * The context for one activation. `.MarbleRun.RootCA` is the Marble root (MarbleRun's
 * meaning: the root marbles trust, new with every update); CoordinatorRoot and
 * CoordinatorIntermediate are the coordinator's root and intermediate. Throws ERR_INTERNAL.
 */
export function templateContext(
  pki: CoordinatorPki,
  marble: { cert: Uint8Array | PendingCertificate; publicKeySpki: Uint8Array; privateKeyPkcs8: Uint8Array },
  secrets: SecretMap,
  previous?: SecretMap,
): TemplateContext {
  return {
    secrets,
    ...(previous ? { previous } : {}),
    marbleRun: {
      rootCa: der(pki.marbleRootCert, 'marbleRootCert'),
      marbleCert: { cert: marble.cert, public: marble.publicKeySpki, private: marble.privateKeyPkcs8 },
      coordinatorRoot: der(pki.rootCert, 'rootCert'),
      coordinatorIntermediate: der(pki.intermediateCert, 'intermediateCert'),
    },
  };
}
