/** `confide config show`: the effective configuration and where each value came from. */
import type { Command } from 'commander';
import { loadConfig } from '@confide/server';
import type { Output } from '../output.js';
import { addConfigFlags, configFlags } from './config-flags.js';

export function configCommand(program: Command, output: () => Output): void {
  const config = program.command('config').description('Inspect the configuration.');
  addConfigFlags(config.command('show').description('Print the effective configuration and where each value came from.')).action(
    (opts: Record<string, unknown>) => {
      const { config: cfg, origins } = loadConfig({ file: opts['config'] as string | undefined, env: process.env, flags: configFlags(opts) });
      const flat = Object.entries(origins).map(([key, origin]) => {
        const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], cfg);
        return { key, value, origin };
      });
      output().result(
        { ok: true, config: cfg, origins },
        flat.map((r) => `${r.key.padEnd(16)} ${JSON.stringify(r.value) ?? '(none)'}  (${r.origin})`).join('\n'),
      );
    },
  );
}
