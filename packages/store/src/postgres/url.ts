/** A PostgreSQL URL as it may be logged: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL: say nothing of it, it may be a password typed in the wrong place.
    return '(an unparseable PostgreSQL URL)';
  }
}
