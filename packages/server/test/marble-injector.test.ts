/**
 * The marble injector webhook against AdmissionReview fixtures. Expected behaviour is MarbleRun's
 * injector (edgelesssys/marblerun injector/injector.go: the EDG_MARBLE_* variables, the DNS
 * names, the UUID file from a downward-API volume named after the request uid, the SGX limits of
 * util/k8sutil GetEPCResourceLimit and the NoSchedule toleration, nothing already set overwritten)
 * plus Confide's `confide run` and configfs-tsm additions. Each patch is applied with the tests'
 * RFC 6902 applier (json-patch.ts) and the result is checked as the pod the API server would store.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { Pod } from 'kubernetes-models/v1';
import { openSqliteStore } from '@confide/store';
import { buildApp } from '../src/index.js';
import type { InjectorSettings } from '../src/services/marble-injector/settings.js';
import { applyJsonPatch } from './json-patch.js';

const SETTINGS: InjectorSettings = { coordinatorAddress: 'confide.confide.svc:8443', clusterDomain: 'cluster.local', sgxResource: 'sgx.intel.com/epc', launcher: 'confide' };
const store = openSqliteStore(':memory:');
const app = await buildApp({ store, bodyLimit: 1 << 20, kubernetes: { injector: SETTINGS } });
after(async () => {
  await app.close();
  await store.close();
});

type Json = Record<string, any>;
const UID = '7f0c1a52-3c1e-4a41-9f0e-7d1d7e0b2a11';

function review(pod: Json, extra: Json = {}): Json {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: UID, kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'shop', operation: 'CREATE', object: pod, ...extra } };
}

function pod(labels: Record<string, string> | undefined, containers: Json[], annotations?: Record<string, string>): Json {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'backend-', ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) }, spec: { containers } };
}

async function admit(body: Json): Promise<{ response: Json; patched?: Json }> {
  const res = await app.inject({ method: 'POST', url: '/kubernetes/mutate', payload: body });
  assert.equal(res.statusCode, 200, res.body);
  const answer = res.json();
  assert.equal(answer.apiVersion, 'admission.k8s.io/v1');
  assert.equal(answer.kind, 'AdmissionReview');
  assert.equal(answer.response.uid, UID);
  if (answer.response.patch === undefined) return { response: answer.response };
  assert.equal(answer.response.patchType, 'JSONPatch');
  const ops = JSON.parse(Buffer.from(answer.response.patch, 'base64').toString('utf8'));
  const patched = applyJsonPatch(body['request']['object'], ops);
  // The pod the API server would store is still a valid core/v1 Pod.
  new Pod(patched as any).validate();
  return { response: answer.response, patched };
}

const envOf = (c: Json): Record<string, string> => Object.fromEntries((c['env'] ?? []).map((e: Json) => [e['name'], e['value']]));

test('an SGX marble pod gets MarbleRun\'s variables, the UUID volume, Intel\'s SGX limits and toleration, and `confide run` before its command', async () => {
  const { response, patched } = await admit(review(pod({ 'marblerun/marbletype': 'Backend' }, [{ name: 'app', image: 'shop/backend:1', command: ['/bin/backend', '--serve'], args: ['--port', '8080'] }])));
  assert.equal(response.allowed, true);
  assert.equal(response.status.status, 'Success');
  const c = patched!['spec']['containers'][0];
  assert.deepEqual(envOf(c), {
    EDG_MARBLE_COORDINATOR_ADDR: 'confide.confide.svc:8443',
    EDG_MARBLE_TYPE: 'Backend',
    // MarbleRun lower-cases the DNS names (strings.ToLower over the joined list).
    EDG_MARBLE_DNS_NAMES: 'backend,backend.shop,backend.shop.svc.cluster.local',
    EDG_MARBLE_UUID_FILE: '/Backend-uid/uuid-file',
  });
  assert.deepEqual(c['command'], ['confide', 'run', '--', '/bin/backend', '--serve']);
  assert.deepEqual(c['args'], ['--port', '8080'], 'args stay: Kubernetes appends them after the command');
  assert.deepEqual(c['volumeMounts'], [{ name: `uuid-file-${UID}`, mountPath: '/Backend-uid' }]);
  assert.deepEqual(c['resources'], { limits: { 'sgx.intel.com/epc': '10Mi', 'sgx.intel.com/enclave': '1', 'sgx.intel.com/provision': '1' } });
  assert.deepEqual(patched!['spec']['volumes'], [{ name: `uuid-file-${UID}`, downwardAPI: { items: [{ path: 'uuid-file', fieldRef: { fieldPath: 'metadata.uid' } }] } }]);
  assert.deepEqual(patched!['spec']['tolerations'], [{ key: 'sgx.intel.com/epc', operator: 'Exists', effect: 'NoSchedule' }]);
});

test('pods it must leave alone: no marble-type label, or another kind of object', async () => {
  const plain = await admit(review(pod({ app: 'web' }, [{ name: 'web', image: 'nginx' }])));
  assert.equal(plain.response.allowed, true);
  assert.equal(plain.patched, undefined, 'no patch for a pod that is not a marble');
  const noLabels = await admit(review(pod(undefined, [{ name: 'web', image: 'nginx' }])));
  assert.equal(noLabels.patched, undefined);
  const deployment = await admit(review({ metadata: { labels: { 'marblerun/marbletype': 'x' } }, spec: {} }, { kind: { group: 'apps', version: 'v1', kind: 'Deployment' } }));
  assert.equal(deployment.response.allowed, true);
  assert.equal(deployment.patched, undefined);
});

test('refusals: an empty marble type, an unknown TEE, a container with no command to wrap', async () => {
  const empty = await admit(review(pod({ 'marblerun/marbletype': '' }, [{ name: 'a', image: 'x', command: ['/a'] }])));
  assert.equal(empty.response.allowed, false);
  assert.equal(empty.response.status.status, 'Failure');
  assert.match(empty.response.status.message, /empty marblerun\/marbletype/);
  const tee = await admit(review(pod({ 'marblerun/marbletype': 'a' }, [{ name: 'a', image: 'x', command: ['/a'] }], { 'confide.dev/tee': 'sev' })));
  assert.equal(tee.response.allowed, false);
  assert.match(tee.response.status.message, /confide\.dev\/tee/);
  const bare = await admit(review(pod({ 'marblerun/marbletype': 'a' }, [{ name: 'main', image: 'x' }])));
  assert.equal(bare.response.allowed, false, 'never run a marble unattested because its entrypoint is hidden in the image');
  assert.match(bare.response.status.message, /container main has no command/);
  assert.equal(bare.response.patch, undefined);
});

test('a marble with a built-in premain (launcher none) keeps its command and image entrypoint', async () => {
  const { response, patched } = await admit(review(pod({ 'marblerun/marbletype': 'premain' }, [{ name: 'm', image: 'x' }], { 'confide.dev/launcher': 'none' })));
  assert.equal(response.allowed, true);
  const c = patched!['spec']['containers'][0];
  assert.equal(c['command'], undefined);
  assert.equal(envOf(c)['EDG_MARBLE_TYPE'], 'premain');
});

test('marblecontainer limits the injection to one container; resource-injection disabled adds no devices; nothing already set is overwritten', async () => {
  const containers = [
    { name: 'sidecar', image: 'proxy', command: ['/proxy'] },
    {
      name: 'app',
      image: 'x',
      command: ['/app'],
      env: [{ name: 'EDG_MARBLE_TYPE', value: 'kept' }, { name: 'EDG_MARBLE_UUID_FILE', value: '/data/uuid' }],
      resources: { limits: { 'sgx.intel.com/epc': '64Mi', memory: '1Gi' } },
    },
  ];
  const one = await admit(review(pod({ 'marblerun/marbletype': 'app', 'marblerun/marblecontainer': 'app' }, containers)));
  const [sidecar, app0] = one.patched!['spec']['containers'];
  assert.deepEqual(sidecar, containers[0], 'the other container is untouched');
  assert.equal(envOf(app0)['EDG_MARBLE_TYPE'], 'kept');
  assert.equal(envOf(app0)['EDG_MARBLE_UUID_FILE'], '/data/uuid');
  assert.equal(one.patched!['spec']['volumes'], undefined, 'a UUID file already set needs no volume');
  assert.deepEqual(app0['resources']['limits'], { 'sgx.intel.com/epc': '64Mi', memory: '1Gi', 'sgx.intel.com/enclave': '1', 'sgx.intel.com/provision': '1' });

  const off = await admit(review(pod({ 'marblerun/marbletype': 'app', 'marblerun/resource-injection': 'disabled' }, [{ name: 'app', image: 'x', command: ['/app'] }])));
  const c = off.patched!['spec']['containers'][0];
  assert.equal(c['resources'], undefined);
  assert.equal(off.patched!['spec']['tolerations'], undefined);
  assert.equal(envOf(c)['EDG_MARBLE_TYPE'], 'app');
});

test('TDX and SEV-SNP marbles get the configfs-tsm report directory and CONFIDE_TEE, no SGX resources', async () => {
  for (const tee of ['tdx', 'sev-snp']) {
    const { patched } = await admit(review(pod({ 'marblerun/marbletype': 'db' }, [{ name: 'db', image: 'x', command: ['/db'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }], { 'confide.dev/tee': tee })));
    const c = patched!['spec']['containers'][0];
    assert.equal(envOf(c)['CONFIDE_TEE'], tee);
    assert.deepEqual(c['volumeMounts'].map((m: Json) => m['mountPath']), ['/data', '/db-uid', '/sys/kernel/config/tsm/report']);
    assert.equal(c['resources'], undefined);
    assert.equal(patched!['spec']['tolerations'], undefined);
    assert.deepEqual(
      patched!['spec']['volumes'].find((v: Json) => v['hostPath']),
      { name: 'confide-tsm-report', hostPath: { path: '/sys/kernel/config/tsm/report', type: 'Directory' } },
    );
  }
});

test('another SGX device plugin gets one EPC limit of 10 (util/k8sutil GetEPCResourceLimit)', async () => {
  const azure = await buildApp({ store, bodyLimit: 1 << 20, kubernetes: { injector: { ...SETTINGS, sgxResource: 'kubernetes.azure.com/sgx_epc_mem_in_MiB' } } });
  try {
    const body = review(pod({ 'marblerun/marbletype': 'a' }, [{ name: 'a', image: 'x', command: ['/a'], resources: {} }]));
    const res = await azure.inject({ method: 'POST', url: '/kubernetes/mutate', payload: body });
    const ops = JSON.parse(Buffer.from(res.json().response.patch, 'base64').toString('utf8'));
    const patched = applyJsonPatch(body['request']['object'], ops);
    assert.deepEqual(patched['spec']['containers'][0]['resources'], { limits: { 'kubernetes.azure.com/sgx_epc_mem_in_MiB': '10' } });
    assert.deepEqual(patched['spec']['tolerations'], [{ key: 'kubernetes.azure.com/sgx_epc_mem_in_MiB', operator: 'Exists', effect: 'NoSchedule' }]);
  } finally {
    await azure.close();
  }
});

test('malformed reviews are 400 ERR_ADMISSION_REVIEW_INVALID, never a crash', async () => {
  const bad: Json[] = [
    {},
    { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: UID } },
    { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' },
    { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { kind: { kind: 'Pod' }, object: pod({ 'marblerun/marbletype': 'a' }, []) } },
    review({ metadata: {}, spec: { containers: [] } }),
    review({ spec: { containers: [{ name: 'a', command: '/bin/sh' }] } }),
    review({ spec: { containers: [{ name: 'a', env: [{ value: 'x' }] }] } }),
    review({ metadata: { labels: { 'marblerun/marbletype': 5 } }, spec: { containers: [{ name: 'a' }] } }),
    review({ spec: { containers: [{ name: 'a', command: ['/a'], resources: { limits: [] } }] } }),
  ];
  for (const body of bad) {
    const res = await app.inject({ method: 'POST', url: '/kubernetes/mutate', payload: body });
    assert.equal(res.statusCode, 400, JSON.stringify(body));
    assert.equal(res.json().code, 'ERR_ADMISSION_REVIEW_INVALID');
  }
  const text = await app.inject({ method: 'POST', url: '/kubernetes/mutate', headers: { 'content-type': 'application/json' }, payload: '{"apiVersion":' });
  assert.equal(text.statusCode, 400);
  assert.equal(text.json().code, 'ERR_BODY_MALFORMED');
});

test('the webhook is served only when kubernetes.injector.enabled', async () => {
  const plain = await buildApp({ store, bodyLimit: 4096 });
  try {
    const res = await plain.inject({ method: 'POST', url: '/kubernetes/mutate', payload: review(pod({ 'marblerun/marbletype': 'a' }, [{ name: 'a', command: ['/a'] }])) });
    assert.equal(res.statusCode, 404);
  } finally {
    await plain.close();
  }
});
