/**
 * The console's Content-Security-Policy: scripts and styles only from the console's own files (no
 * inline script or style, no eval), requests only to this origin, plus the OpenID Connect issuer's
 * origin when sign-in is configured (the page fetches its discovery document and redeems the code).
 */
export function consoleCsp(oidcIssuer: string | undefined): string {
  const connect = ["'self'", ...(oidcIssuer === undefined ? [] : [new URL(oidcIssuer).origin])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
