#!/usr/bin/env node
// The `confide` executable npm links into node_modules/.bin. It is committed (not built) so that
// the link exists when `npm ci` creates it, before `prepare` has compiled dist/.
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/src/bin.js', import.meta.url);
try {
  await import(built.href);
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes(fileURLToPath(built))) throw err;
  process.stderr.write(`confide: not built yet (${fileURLToPath(built)} is missing): run \`npm run build\` in the repository\n`);
  process.exitCode = 3;
}
