export { splitSecret, combineShares, type Share } from './shamir.js';
export {
  createSecurityDomain,
  parseSecurityDomain,
  decryptShare,
  recoverRoot,
  keyThumbprint,
  SECURITY_DOMAIN_KIND,
  SECURITY_DOMAIN_LIMITS,
  type SecurityDomainDocument,
  type SecurityDomainShare,
} from './document.js';
