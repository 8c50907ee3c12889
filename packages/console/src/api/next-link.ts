/**
 * The path of a list's next page from the nextLink the server gave: only a path on this server
 * under the list's own path, with the client's api-version added (the server leaves it out, as
 * Azure's clients add their own). Anything else (another origin, another path) is no next page,
 * so following nextLinks never makes the page ask another origin or another API.
 */
export function nextPagePath(nextLink: string | undefined, listPath: string, apiVersion: string): string | undefined {
  if (nextLink === undefined || !(nextLink === listPath || nextLink.startsWith(`${listPath}?`))) return undefined;
  return `${nextLink}${nextLink.includes('?') ? '&' : '?'}${apiVersion}`;
}
