/** A JSON-over-HTTPS client on one keep-alive agent that trusts exactly one CA, for server benchmarks. */
import { Buffer } from 'node:buffer';
import { Agent, request } from 'node:https';

/** { post(path, body) → { status, body, headers }, requests() (posts so far), close() }; `body` is sent as JSON text, `headers` with every request. */
export function httpsClient(baseUrl, ca, headers = {}) {
  const agent = new Agent({ keepAlive: true, ca, maxSockets: Infinity });
  let requests = 0;
  const post = (path, json) =>
    new Promise((resolve, reject) => {
      requests += 1;
      const payload = Buffer.from(json);
      const req = request(
        new URL(path, baseUrl),
        { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length } },
        (res) => {
          const chunks = [];
          res.on('data', (d) => chunks.push(d));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { post, requests: () => requests, close: () => agent.destroy() };
}
