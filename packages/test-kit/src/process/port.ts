/**
 * A free TCP port, for servers that tests start side by side. The port is checked free and then
 * handed to a process that binds it later, so something else could take it in between. A port
 * the kernel picks (port 0) comes from the ephemeral range (32768-60999 on Linux), where every
 * outgoing connection on the machine also takes its local port: under load a CI run lost such a
 * port that way (EADDRINUSE). So the port is drawn at random below that range, where only an
 * explicit bind can take it, and never handed out twice by one process.
 */
import { createServer } from 'node:net';

const LOW = 20_000;
const HIGH = 32_767;
const ATTEMPTS = 50;
const handedOut = new Set<number>();

/** Resolves true when `port` can be bound on every interface now (which also covers 127.0.0.1). */
function bindable(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => ok(false));
    srv.listen(port, () => srv.close(() => ok(true)));
  });
}

/** A free TCP port below the ephemeral range, not handed out before by this process. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await bindable(port)) return port;
  }
  throw new Error(`freePort: no free port found in ${ATTEMPTS} tries between ${LOW} and ${HIGH}`);
}
