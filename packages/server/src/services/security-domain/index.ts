export { SecurityDomainService, type SecurityDomainServiceOptions, type SecurityDomainStatus } from './security-domain-service.js';
