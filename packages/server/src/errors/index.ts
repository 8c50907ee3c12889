/** `@confide/server/errors`: every package's error codes, without loading the server. */
export { SERVER_ERROR_CODES } from './server-codes.js';
export { PACKAGE_ERROR_TABLES, KNOWN_ERROR_CODES, isKnownErrorCode, type KnownErrorCode } from './known-codes.js';
export { ServerError } from './server-error.js';
