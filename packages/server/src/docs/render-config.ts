/** Renders docs/config.md from the schema; a test fails when the committed file is stale. */
import { CONFIG_SCHEMA, type ConfigKey } from '../config/schema.js';

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  return '`' + (Array.isArray(value) ? value.join(',') : String(value)) + '`';
}

export function renderConfigDocs(): string {
  const rows = (CONFIG_SCHEMA as readonly ConfigKey[]).map((k) => {
    const type = k.type === 'enum' ? k.values!.map((v) => '`' + v + '`').join(' \\| ') : k.type;
    const notes = k.production ? ` Production: ${k.production}` : '';
    return `| \`${k.key}\` | ${type} | ${show(k.default)} | \`${k.env}\` | ${k.flag ? '`' + k.flag + '`' : ''} | ${k.description}${notes} |`;
  });
  const production = (CONFIG_SCHEMA as readonly ConfigKey[]).filter((k) => k.production).map((k) => `- \`${k.key}\`: ${k.production}`);
  return [
    '# Configuration',
    '',
    '<!-- Generated from packages/server/src/config/schema.ts by `npm run docs`; do not edit by hand. -->',
    '',
    'Confide reads its configuration once at start, in this order (later wins): built-in defaults,',
    'the JSON file given with `--config <file>`, environment variables (`CONFIDE_*`), then command-line',
    'flags. In the file, dotted keys are nested objects (`tls.cert` is `{"tls": {"cert": "..."}}`); a dotted',
    'name written as one key (`{"tls.cert": ...}`) is refused with the nested form, and a section that is not',
    'an object (`{"tls": "x"}`) is a type error.',
    'An unknown key or a bad value stops the start with exit code 1 and a message naming the key.',
    '',
    '| key | type | default | environment | flag | description |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    '## What production mode requires and refuses',
    '',
    'With `mode` set to `production`, the start stops with `ERR_PRODUCTION_REFUSED` naming every key below whose rule is broken:',
    '',
    ...production,
    '',
  ].join('\n');
}
