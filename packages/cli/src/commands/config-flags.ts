/** Adds one flag per configuration key (from the schema) to a command, and reads them back. */
import { Option, type Command } from 'commander';
import { CONFIG_SCHEMA, type ConfigKey } from '@confide/server';

function optionName(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export function addConfigFlags(cmd: Command): Command {
  cmd.option('--config <file>', 'JSON configuration file (defaults < file < CONFIDE_* environment < flags)');
  for (const key of CONFIG_SCHEMA as readonly ConfigKey[]) {
    if (!key.flag) continue;
    const placeholder = key.type === 'enum' ? `<${key.values!.join('|')}>` : key.type === 'port' || key.type === 'integer' ? '<n>' : '<value>';
    const option = new Option(`${key.flag} ${placeholder}`, `${key.description} [env ${key.env}]`);
    // A list flag may be repeated: each use adds to the list (loadConfig splits comma-separated values).
    if (key.type === 'list') option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    cmd.addOption(option);
  }
  return cmd;
}

/** Flag values keyed by config key, for loadConfig. */
export function configFlags(opts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_SCHEMA as readonly ConfigKey[]) {
    if (!key.flag) continue;
    const v = opts[optionName(key.flag)];
    if (v !== undefined) out[key.key] = v;
  }
  return out;
}
