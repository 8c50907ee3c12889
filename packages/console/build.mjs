// Bundles the console (the compiled dist/src/main.js, its packages and Preact) into hashed files
// under dist/www, gzipped beside them, with the page that names them and a manifest the server
// reads. Run by `npm run build` after tsc, so `npm ci` (prepare) and CI build it too.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist', 'www');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const result = await build({
  entryPoints: { app: join(here, 'dist', 'src', 'main.js'), style: join(here, 'src', 'style.css') },
  bundle: true,
  format: 'esm',
  splitting: true,
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  entryNames: '[name]-[hash]',
  outdir: join(out, 'assets'),
  metafile: true,
  logLevel: 'warning',
});

const TYPES = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const assets = Object.keys(result.metafile.outputs).map((file) => {
  const name = basename(file);
  const path = `assets/${name}`;
  writeFileSync(join(out, `${path}.gz`), gzipSync(readFileSync(join(out, path)), { level: 9 }));
  return { name, path, contentType: TYPES[name.slice(name.lastIndexOf('.'))], gzip: `${path}.gz` };
});
const script = assets.find((a) => a.name.startsWith('app-') && a.name.endsWith('.js'));
// The shell's static imports, announced in the page so they download beside the shell rather than after it.
const shellOutput = Object.entries(result.metafile.outputs).find(([file]) => basename(file) === script.name)?.[1];
const shellImports = shellOutput?.imports.filter((i) => i.kind === 'import-statement').map((i) => basename(i.path)) ?? [];
if (shellImports.length === 0) throw new Error('build.mjs: the shell has no static imports in the metafile (its output path changed?)');
const style = assets.find((a) => a.name.startsWith('style-') && a.name.endsWith('.css'));
// No inline script or style: the page only names the two files (the server's CSP allows nothing else).
const index = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Confide console</title>
<link rel="stylesheet" href="/console/assets/${style.name}">
${shellImports.map((name) => `<link rel="modulepreload" href="/console/assets/${name}">\n`).join('')}<script type="module" src="/console/assets/${script.name}"></script>
</head><body><div id="app"><p class="loading">Loading the console…</p></div></body></html>
`;
writeFileSync(join(out, 'index.html'), index);
writeFileSync(join(out, 'index.html.gz'), gzipSync(index, { level: 9 }));
const manifest = {
  index: { path: 'index.html', contentType: 'text/html; charset=utf-8', gzip: 'index.html.gz' },
  assets,
  sha256: createHash('sha256').update(index).digest('hex'),
};
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
