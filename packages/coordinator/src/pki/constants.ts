/** Names, algorithms and lifetimes of the coordinator's CA certificates. */
export const ROOT_COMMON_NAME = 'Confide Coordinator Root';
export const INTERMEDIATE_COMMON_NAME = 'Confide Coordinator Intermediate';

export const CA_KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-384' } as const;
export const CA_SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-384' } as const;
export const MARBLE_KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * RFC 5280 4.1.2.5 "no well-defined expiration date". The CA certificates and marble
 * certificates live as long as the deployment (as in MarbleRun); trust ends by rotating the
 * intermediate on every manifest update, not by expiry.
 */
export const NO_EXPIRY = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));

export const ROOT_SECRET_LENGTH = 32;
