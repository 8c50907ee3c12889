/**
 * The challenge flow as the official client runs it without disableChallengeResourceVerification:
 * the vault is reached by a hostname under the resource's domain (a custom https Agent maps it to
 * 127.0.0.1; the dev certificate names it through tls.san), and the credential is asked for the
 * challenge's resource scope. On 127.0.0.1 the client itself refuses, as it does against Azure.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import type { LookupFunction } from 'node:net';
import { KeyClient } from '@azure/keyvault-keys';
import { startVault } from './keyvault-helpers.js';

const HOST = 'myvault.vault.confide.test';
const vault = await startVault({ CONFIDE_TLS_SAN: HOST, CONFIDE_KEYVAULT_RESOURCE: 'https://vault.confide.test' });
after(() => vault.server.close());

const lookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  if (hostname !== HOST) return callback(new Error(`unexpected lookup of ${hostname}`));
  if (options?.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
  callback(null, '127.0.0.1', 4);
}) as unknown as LookupFunction;

test('a hostname under the resource domain passes the client\'s challenge check; kids carry that hostname', async () => {
  const scopes: string[][] = [];
  const credential = { getToken: async (s: string | string[]) => (scopes.push([s].flat()), { token: 'any', expiresOnTimestamp: Date.now() + 3600_000 }) };
  const agent = new Agent({ ca: vault.ca, lookup });
  try {
    const client = new KeyClient(`https://${HOST}:${vault.port}`, credential, { agent, retryOptions: { maxRetries: 0 } });
    const key = await client.createEcKey('challenged');
    assert.equal(key.id, `https://${HOST}:${vault.port}/keys/challenged/${key.properties.version}`);
    assert.equal((await client.getKey('challenged')).name, 'challenged');
    assert.deepEqual(scopes[0], ['https://vault.confide.test/.default']);
  } finally {
    agent.destroy();
  }
});

test('on 127.0.0.1 the client refuses the challenge unless disableChallengeResourceVerification is set', async () => {
  const strict = vault.client({ disableChallengeResourceVerification: false });
  await assert.rejects(strict.getKey('anything'), /challenge resource/i);
  await assert.rejects(vault.client().getKey('anything'), (e: any) => e.statusCode === 404 && e.code === 'KeyNotFound');
});
