/**
 * The form in which a policy's `authority` and a token's `iss` are compared. Azure's default CVM
 * policy writes its authority with a trailing slash while tokens carry none, and URL scheme and
 * host are case-insensitive; the path is kept as written.
 */
export function normalizeAuthority(value: string): string {
  const trimmed = value.trim();
  let out = trimmed;
  try {
    const url = new URL(trimmed);
    out = `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    // Not a URL: compare the text as written.
  }
  return out.replace(/\/+$/, '');
}

/** Whether a policy authority names the token issuer `iss`. */
export function authorityMatches(authority: string, iss: string): boolean {
  return normalizeAuthority(authority) === normalizeAuthority(iss);
}
