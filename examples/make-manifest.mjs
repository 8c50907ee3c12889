// Writes the walkthrough's manifest (MarbleRun format) to standard output from the values a
// deployment differs in: the two marbles' measurements, the recovery public key and the admin's
// certificate. Everything else is in manifest.template.json.
//   node examples/make-manifest.mjs --server <hex> --client <hex> --recovery-key <pem file> --admin <pem file> [--port 8080]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    client: { type: 'string' },
    'recovery-key': { type: 'string' },
    admin: { type: 'string' },
    port: { type: 'string', default: '8080' },
  },
});
for (const name of ['server', 'client', 'recovery-key', 'admin']) {
  if (!values[name]) {
    console.error(`make-manifest: --${name} is missing`);
    process.exit(1);
  }
}
const manifest = JSON.parse(readFileSync(new URL('./manifest.template.json', import.meta.url), 'utf8'));
manifest.Packages.server.UniqueID = values.server;
manifest.Packages.client.UniqueID = values.client;
manifest.RecoveryKeys.recoveryKey1 = readFileSync(values['recovery-key'], 'utf8');
manifest.Users.admin.Certificate = readFileSync(values.admin, 'utf8');
for (const marble of Object.values(manifest.Marbles)) marble.Parameters.Env.SERVER_PORT = values.port;
process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
