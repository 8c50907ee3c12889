/** The generic codes: usage, input, limits, access and faults that any package may raise. */
import { errorClass } from './confide-error.js';
import { defineErrorCodes } from './error-codes.js';

export const CORE_ERROR_CODES = defineErrorCodes('core', {
  // configuration and usage
  ERR_CONFIG_INVALID: { expose: true, summary: 'A configuration value is missing, of the wrong type, or out of range.' },
  ERR_PRODUCTION_REFUSED: { expose: true, summary: 'A development-only setting was given in production mode.' },
  ERR_USAGE: { expose: true, summary: 'A command was called with wrong or missing arguments.' },
  ERR_INPUT_UNREADABLE: { expose: true, summary: 'An input file cannot be read or decoded.' },
  ERR_DATA_DIR_UNUSABLE: { expose: true, summary: 'The data directory cannot be created, read or written.' },
  // requests
  ERR_NOT_FOUND: { expose: true, summary: 'No route matches the method and path.' },
  ERR_VALIDATION: { expose: true, summary: 'The request does not match the route schema.' },
  ERR_LIMIT_EXCEEDED: { expose: true, summary: 'An input is larger or nests deeper than a documented limit (details name the limit and its value).' },
  ERR_UNAUTHENTICATED: { expose: true, summary: 'The request carries no credentials (client certificate or bearer token), or they belong to no known user.' },
  ERR_FORBIDDEN: { expose: true, summary: 'The user\'s roles do not allow this action, or the manifest does not enable the feature.' },
  // faults
  ERR_INTERNAL: { expose: false, summary: 'An unexpected server fault; details are logged, never returned.' },
  ERR_SERVICE_UNAVAILABLE: { expose: true, summary: 'A dependency (such as the store) is not reachable.' },
});

/** Raises a core code. */
export const CoreError = errorClass(CORE_ERROR_CODES);
export type CoreError = InstanceType<typeof CoreError>;
export type CoreErrorCode = CoreError['code'];
