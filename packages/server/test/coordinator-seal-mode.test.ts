/**
 * The production coordinator's SealMode keys (compose/coordinator-tee-seal.ts): Gramine's SGX
 * sealing keys from a fake /dev/attestation tree, as the launcher's tests fake it; SEV-SNP's
 * derived keys through a stand-in for the SNP_GET_DERIVED_KEY helper that mixes in what the
 * request selects, as the firmware does; and the refusal, over HTTP, of ProductKey / UniqueKey
 * where the TEE has no sealing key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createMemorySealProvider } from '@confide/coordinator';
import { isConfideError, toBase64 } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore, type Store } from '@confide/store';
import { buildApp } from '../src/app.js';
import type { DerivedKeyIoctl } from '@confide/launcher/tee-keys';
import { coordinatorTeeSeal, readGramineSealKey, SNP_SEAL_FIELDS } from '../src/compose/coordinator-tee-seal.js';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { startServerCoordinator } from '../src/services/coordinator/index.js';

function gramineTree(keys: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'confide-gramine-'));
  writeFileSync(join(dir, 'quote'), new Uint8Array(0));
  mkdirSync(join(dir, 'keys'));
  for (const [name, key] of Object.entries(keys)) writeFileSync(join(dir, 'keys', name), key);
  return dir;
}

function production(tee: Config['coordinator']['tee'], attestationDir: string, sevGuestDevice = join(attestationDir, 'no-sev-guest')): Config {
  const base = loadConfig({}).config;
  return { ...base, mode: 'production', coordinator: { ...base.coordinator, tee, attestationDir, sevGuestDevice } };
}

function manifest(sealMode: string): string {
  const m = { Packages: { pkg: { Tee: 'sgx', UniqueID: '11'.repeat(32), Debug: false } }, Marbles: { m: { Package: 'pkg', Parameters: { Argv: ['m'] } } }, Config: { SealMode: sealMode } };
  return toBase64(new TextEncoder().encode(JSON.stringify(m)));
}

async function app(store: Store, config: Config, snpIoctl?: DerivedKeyIoctl): Promise<FastifyInstance> {
  const coordinator = await startServerCoordinator({ store, seal: createMemorySealProvider(new Uint8Array(32).fill(1)), teeSeal: coordinatorTeeSeal(config, snpIoctl), collateral: emptyCollateral, mode: 'production' });
  return buildApp({ store, bodyLimit: 1 << 20, coordinator: { coordinator, peerCertificate: () => undefined } });
}

const setManifest = (a: FastifyInstance, sealMode: string) => a.inject({ method: 'POST', url: '/api/v2/manifest', payload: { manifest: manifest(sealMode) } });

test("Gramine's sealing keys are read from <attestationDir>/keys: _sgx_mrsigner for ProductKey, _sgx_mrenclave for UniqueKey, 16 bytes each", async () => {
  const dir = gramineTree({ _sgx_mrsigner: new Uint8Array(16).fill(4), _sgx_mrenclave: new Uint8Array(16).fill(5), });
  try {
    assert.deepEqual(await readGramineSealKey(dir, 'ProductKey'), new Uint8Array(16).fill(4));
    assert.deepEqual(await readGramineSealKey(dir, 'UniqueKey'), new Uint8Array(16).fill(5));
    writeFileSync(join(dir, 'keys', '_sgx_mrenclave'), new Uint8Array(32));
    await assert.rejects(readGramineSealKey(dir, 'UniqueKey'), (err: unknown) => isConfideError(err, 'ERR_SEAL_KEY_UNAVAILABLE'));
    rmSync(join(dir, 'keys', '_sgx_mrsigner'));
    await assert.rejects(readGramineSealKey(dir, 'ProductKey'), (err: unknown) => isConfideError(err, 'ERR_SEAL_KEY_UNAVAILABLE'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('production on Gramine: a manifest with SealMode UniqueKey seals the data key under the enclave key; another enclave key means recovery', async () => {
  const dir = gramineTree({ _sgx_mrsigner: new Uint8Array(16).fill(4), _sgx_mrenclave: new Uint8Array(16).fill(5) });
  try {
    const store = openSqliteStore(':memory:');
    const res = await setManifest(await app(store, production('auto', dir)), 'UniqueKey');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await store.sealedState.get())?.provider, 'tee-unique-key');
    // The same enclave restarts into its state; an updated enclave (a new MRENCLAVE, so a new key) cannot open it.
    assert.equal((await (await app(store, production('sgx', dir))).inject({ method: 'GET', url: '/api/v2/status' })).json().data.code, 3);
    writeFileSync(join(dir, 'keys', '_sgx_mrenclave'), new Uint8Array(16).fill(6));
    assert.equal((await (await app(store, production('sgx', dir))).inject({ method: 'GET', url: '/api/v2/status' })).json().data.code, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A guest's firmware: the key is SHA-256 over the chip secret and each guest field the request's
 * GUEST_FIELD_SELECT names (policy, image ID, family ID, measurement), as MSG_KEY_REQ mixes them.
 */
function snpFirmware(guest: { measurement: string }) {
  const requests: bigint[] = [];
  const ioctl: DerivedKeyIoctl = (_device, request) => {
    const fields = new DataView(request.buffer, request.byteOffset).getBigUint64(8, true);
    requests.push(fields);
    const mix = createHash('sha256').update('chip-secret').update(request.subarray(0, 8)).update(request.subarray(16));
    for (const [bit, value] of [[0n, 'policy:0x30000'], [1n, 'image'], [2n, 'family'], [3n, guest.measurement]] as const) if ((fields >> bit) & 1n) mix.update(value);
    const response = new Uint8Array(64);
    response.set(mix.digest(), 0x20);
    return response;
  };
  return { requests, ioctl };
}

test('production on SEV-SNP: UniqueKey seals under a key bound to the launch measurement, ProductKey to the image and family only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-snp-'));
  const device = join(dir, 'sev-guest');
  writeFileSync(device, '');
  try {
    const guest = { measurement: 'launch-1' };
    const firmware = snpFirmware(guest);
    const status = async (store: Store) => (await (await app(store, production('sev-snp', dir, device), firmware.ioctl)).inject({ method: 'GET', url: '/api/v2/status' })).json().data.code as number;

    const unique = openSqliteStore(':memory:');
    const res = await setManifest(await app(unique, production('sev-snp', dir, device), firmware.ioctl), 'UniqueKey');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await unique.sealedState.get())?.provider, 'tee-unique-key');
    assert.deepEqual([...new Set(firmware.requests)], [SNP_SEAL_FIELDS.UniqueKey]);
    assert.equal(SNP_SEAL_FIELDS.UniqueKey, 0b1111n);
    const product = openSqliteStore(':memory:');
    assert.equal((await setManifest(await app(product, production('auto', dir, device), firmware.ioctl), 'ProductKey')).statusCode, 200);
    assert.equal((await product.sealedState.get())?.provider, 'tee-product-key');
    assert.equal(SNP_SEAL_FIELDS.ProductKey, 0b0111n);

    // The same guest restarts into both states.
    assert.equal(await status(unique), 3);
    assert.equal(await status(product), 3);
    // A new launch measurement (an updated image of the same family): only the product key still opens its state.
    guest.measurement = 'launch-2';
    assert.equal(await status(unique), 1);
    assert.equal(await status(product), 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('production on SEV-SNP without /dev/sev-guest or on TDX: ProductKey and UniqueKey are refused with 400 ERR_SEAL_MODE_UNAVAILABLE naming the mode; "" and Disabled set', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'confide-no-gramine-'));
  try {
    for (const tee of ['sev-snp', 'tdx'] as const) {
      const a = await app(openSqliteStore(':memory:'), production(tee, empty));
      for (const mode of ['ProductKey', 'UniqueKey']) {
        const res = await setManifest(a, mode);
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().code, 'ERR_SEAL_MODE_UNAVAILABLE');
        assert.match(res.json().message, new RegExp(`SealMode ${mode}.*${tee === 'tdx' ? 'TDX offers no sealing key' : 'SNP_GET_DERIVED_KEY, but .*no-sev-guest does not exist'}`));
      }
      assert.equal((await a.inject({ method: 'GET', url: '/api/v2/status' })).json().data.code, 2);
      assert.equal((await setManifest(a, 'Disabled')).statusCode, 200);
    }
    assert.equal((await setManifest(await app(openSqliteStore(':memory:'), production('tdx', empty)), '')).statusCode, 200);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
