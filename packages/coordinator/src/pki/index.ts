/** The coordinator's certificate authority: root, intermediate, Marble root and marble certificates. */
export type { CoordinatorPki } from './types.js';
export { createCoordinatorPki, rotateIntermediate, rotateRootSecret } from './ca.js';
export {
  generateMarbleKeyPair,
  generateMarbleKeyDer,
  issueMarbleCertificate,
  issueFromCsr,
  type MarbleKeyPair,
  type MarbleKeyDer,
  type IssuedMarbleCertificate,
  type MarbleCertificateRequest,
} from './marble-cert.js';
export { ROOT_COMMON_NAME, INTERMEDIATE_COMMON_NAME, NO_EXPIRY } from './constants.js';
export { issueMarbleRunCertificate, type MarbleRunCertificateRequest } from './marblerun-cert.js';
export { MARBLE_TYPE_OID } from './marble-type.js';
export { verifyMarbleCertificate, type MarbleIdentity } from './verify-marble.js';
