/** `confide docs config|errors`: reference pages generated from the code (docs/*.md are these). */
import type { Command } from 'commander';
import type { Output } from '../output.js';
import { renderConfigDocs, renderErrorDocs } from '@confide/server';
import { SUMMARIES } from './summaries.js';

export function docsCommand(program: Command, output: () => Output): void {
  const docs = program.command('docs').description(SUMMARIES.docs);
  docs.command('config').description('Configuration keys, defaults, environment variables and flags.').action(() => {
    output().raw(renderConfigDocs());
  });
  docs.command('errors').description('Every error code with its HTTP status and meaning.').action(() => {
    output().raw(renderErrorDocs());
  });
}
