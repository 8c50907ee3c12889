/** Confide's version, reported by --version, /openapi.json and the token issuer metadata. */
export const VERSION = '0.1.0';
