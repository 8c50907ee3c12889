/** The class the server raises with: it knows every package's codes. */
import { errorClass } from '@confide/core';
import { KNOWN_ERROR_CODES } from './known-codes.js';

export const ServerError = errorClass(KNOWN_ERROR_CODES);
export type ServerError = InstanceType<typeof ServerError>;
