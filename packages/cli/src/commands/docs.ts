/** `confide docs config|errors`: reference pages generated from the code (docs/*.md are these). */
import type { Command } from 'commander';
import { renderConfigDocs, renderErrorDocs } from '@confide/server';

export function docsCommand(program: Command): void {
  const docs = program.command('docs').description('Print reference documentation generated from the code (Markdown).');
  docs.command('config').description('Configuration keys, defaults, environment variables and flags.').action(() => {
    process.stdout.write(renderConfigDocs());
  });
  docs.command('errors').description('Every error code with its HTTP status and meaning.').action(() => {
    process.stdout.write(renderErrorDocs());
  });
}
