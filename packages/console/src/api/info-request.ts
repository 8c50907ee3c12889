/**
 * The request for /console/api/info, sent when the shell's module is evaluated rather than after
 * its first render: the overview facts are on the path to an interactive shell, so they are asked
 * for as early as the page can ask.
 */
import type { ConsoleInfo } from './info.js';

export const infoRequest: Promise<ConsoleInfo> = fetch('/console/api/info', { cache: 'no-store' }).then((r) =>
  r.ok ? (r.json() as Promise<ConsoleInfo>) : Promise.reject(new Error(`/console/api/info answered ${r.status}`)),
);
