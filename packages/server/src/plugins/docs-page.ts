/**
 * A self-contained page that renders /openapi.json (no CDN: the machine may be offline).
 * Values are inserted with textContent, never as HTML.
 */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Confide API</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1c2330}
h1{margin-bottom:0}.op{border:1px solid #d8dee9;border-radius:6px;margin:.75rem 0;padding:.5rem 1rem}
.m{font:600 13px monospace;padding:2px 8px;border-radius:4px;color:#fff;background:#4c6ef5;margin-right:.5rem}
.m.post{background:#2f9e44}.m.put{background:#e8590c}.m.delete{background:#c92a2a}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f4f6fa;padding:.5rem;overflow:auto}
</style></head><body>
<h1 id="title">Confide API</h1><p id="desc"></p><p>Raw description: <a href="/openapi.json">/openapi.json</a></p>
<div id="ops"><p>Loading the API description from /openapi.json…</p></div>
<script>
fetch('/openapi.json').then(r => r.json()).then(spec => {
  document.getElementById('title').textContent = spec.info.title + ' ' + spec.info.version;
  document.getElementById('desc').textContent = spec.info.description || '';
  const ops = document.getElementById('ops');
  ops.textContent = '';
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const div = document.createElement('div'); div.className = 'op';
      const m = document.createElement('span'); m.className = 'm ' + method; m.textContent = method.toUpperCase();
      const p = document.createElement('code'); p.textContent = path;
      const h = document.createElement('div'); h.append(m, p);
      const s = document.createElement('p'); s.textContent = op.summary || op.description || '';
      div.append(h, s);
      const body = op.requestBody && op.requestBody.content;
      if (body) {
        const pre = document.createElement('pre');
        pre.textContent = 'request body\n' + JSON.stringify(body, null, 2);
        div.append(pre);
      }
      for (const [status, res] of Object.entries(op.responses || {})) {
        const pre = document.createElement('pre');
        pre.textContent = status + ' ' + (res.description || '') + '\\n' + JSON.stringify(res.content || {}, null, 2);
        div.append(pre);
      }
      ops.append(div);
    }
  }
}).catch((err) => {
  document.getElementById('ops').textContent = 'Cannot load /openapi.json: ' + err;
});
</script></body></html>`;
