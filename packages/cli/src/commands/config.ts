/** `confide config show`: the effective configuration and where each value came from; secrets redacted. */
import type { Command } from 'commander';
import { CONFIG_SCHEMA, loadConfig, type ConfigKey } from '@confide/server';
import type { Output } from '../output.js';
import { addConfigFlags, configFlags } from './config-flags.js';
import { SUMMARIES } from './summaries.js';

const REDACTED = '[redacted]';
const SECRET_KEYS = new Set((CONFIG_SCHEMA as readonly ConfigKey[]).filter((k) => k.secret).map((k) => k.key));

/** A deep copy of `cfg` with every secret key that has a value replaced by "[redacted]". */
function redact(cfg: object): Record<string, unknown> {
  const copy = structuredClone(cfg) as Record<string, unknown>;
  for (const key of SECRET_KEYS) {
    const parts = key.split('.');
    const parent = parts.slice(0, -1).reduce<Record<string, unknown> | undefined>((o, k) => o?.[k] as Record<string, unknown> | undefined, copy);
    const last = parts[parts.length - 1]!;
    if (parent && parent[last] !== undefined) parent[last] = REDACTED;
  }
  return copy;
}

export function configCommand(program: Command, output: () => Output): void {
  const config = program.command('config').description(SUMMARIES.config);
  addConfigFlags(config.command('show').description('Print the effective configuration and where each value came from (secrets redacted).')).action(
    (opts: Record<string, unknown>) => {
      const { config: cfg, origins } = loadConfig({ file: opts['config'] as string | undefined, env: process.env, flags: configFlags(opts) });
      const shown = redact(cfg);
      const flat = Object.entries(origins).map(([key, origin]) => {
        const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], shown);
        return { key, value, origin };
      });
      const width = Math.max(...flat.map((r) => r.key.length));
      output().result(
        { ok: true, config: shown, origins },
        flat.map((r) => `${r.key.padEnd(width)}  ${JSON.stringify(r.value) ?? '(none)'}  (${r.origin})`).join('\n'),
      );
    },
  );
}
