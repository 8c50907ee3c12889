/** The client API the server's routes call. */
export { CoordinatorService, type CoordinatorOptions, type StatusResult, type ManifestAccepted } from './service.js';
export { tlsBindingMessage, type TlsBinding } from './quote.js';
