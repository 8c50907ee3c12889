#!/usr/bin/env node
import { main } from './program.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`confide: unexpected failure: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 3;
  },
);
