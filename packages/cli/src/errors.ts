/** The class the CLI raises with: it talks to every part of Confide, so it knows every package's codes. */
import { errorClass } from '@confide/core';
import { KNOWN_ERROR_CODES } from '@confide/server/errors';

export { isKnownErrorCode, type KnownErrorCode } from '@confide/server/errors';

export const CliError = errorClass(KNOWN_ERROR_CODES);
export type CliError = InstanceType<typeof CliError>;
