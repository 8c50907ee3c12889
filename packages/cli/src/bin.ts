#!/usr/bin/env node
import { endQuietlyOnClosedOutput } from './closed-output.js';
import { main } from './program.js';

endQuietlyOnClosedOutput(process.stdout);
endQuietlyOnClosedOutput(process.stderr);

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`confide: unexpected failure: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 3;
  },
);
