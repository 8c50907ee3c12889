// Example marble "server" (README walkthrough): HTTPS with mutual TLS. It takes its certificate,
// key and the coordinator's root from the environment the launcher sets (MarbleRun's names), so
// nothing is written to disk, and answers each client with the client's name and its own copy
// of the manifest's shared secret.
import { createServer } from 'node:https';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start this program with \`confide run\``);
  return value;
};

const server = createServer(
  {
    cert: env('MARBLE_PREDEFINED_MARBLE_CERTIFICATE_CHAIN'),
    key: env('MARBLE_PREDEFINED_PRIVATE_KEY'),
    ca: env('MARBLE_PREDEFINED_ROOT_CA'),
    requestCert: true,
    rejectUnauthorized: true,
  },
  (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ client: req.socket.getPeerCertificate().subject?.CN ?? null, sharedKey: process.env.SHARED_KEY }));
  },
);
server.listen(Number(env('SERVER_PORT')), '127.0.0.1', () => console.log(`example server listening on 127.0.0.1:${process.env.SERVER_PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
