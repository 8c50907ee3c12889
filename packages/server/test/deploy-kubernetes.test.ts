/**
 * deploy/kubernetes: each overlay is built (kustomize-subset.ts), every object is validated
 * against the Kubernetes (and cert-manager) schemas of kubernetes-models, and the objects are
 * checked against what docs/kubernetes.md promises and what `confide serve` accepts: the
 * configuration each overlay mounts loads (production refusals included), the probes, ports,
 * Secrets and webhook path are the server's own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Namespace, ServiceAccount, ConfigMap, Service, PersistentVolumeClaim } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { MutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { Certificate, Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import { loadConfig } from '../src/config/load.js';
import { CONFIG_SCHEMA } from '../src/config/schema.js';
import { MARBLE_INJECTOR_PATH } from '../src/routes/kubernetes/index.js';
import { kustomize, type K8sObject } from './kustomize-subset.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const DEPLOY = join(ROOT, 'deploy/kubernetes');
const DOCS = readFileSync(join(ROOT, 'docs/kubernetes.md'), 'utf8');

/** The schema class of every kind the files may hold: an object of any other kind fails. */
const MODELS: Record<string, new (o: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': MutatingWebhookConfiguration,
  'cert-manager.io/v1/Certificate': Certificate,
  'cert-manager.io/v1/Issuer': Issuer,
};

function build(overlay: string): K8sObject[] {
  const objects = kustomize(join(DEPLOY, 'overlays', overlay));
  for (const o of objects) {
    const Model = MODELS[`${o['apiVersion']}/${o['kind']}`];
    assert.ok(Model, `${overlay}: no schema for ${o['apiVersion']} ${o['kind']}`);
    assert.doesNotThrow(() => new Model(o).validate(), `${overlay}: ${o['kind']}/${o['metadata']['name']} is not valid`);
  }
  return objects;
}

const one = (objects: K8sObject[], kind: string, name = 'confide'): K8sObject => {
  const hit = objects.find((o) => o['kind'] === kind && o['metadata']['name'] === name);
  assert.ok(hit, `no ${kind}/${name}`);
  return hit;
};

const pod = (objects: K8sObject[]): K8sObject => one(objects, 'Deployment')['spec']['template'];
const server = (objects: K8sObject[]): K8sObject => pod(objects)['spec']['containers'].find((c: K8sObject) => c['name'] === 'confide');

/** The configuration the overlay mounts, loaded as `confide serve --config` would, with the container's environment (Secret values stood in by strong ones). */
function loadMounted(objects: K8sObject[]): ReturnType<typeof loadConfig>['config'] {
  const c = server(objects);
  const configFile = c['args'][c['args'].indexOf('--config') + 1];
  const mount = c['volumeMounts'].find((m: K8sObject) => configFile.startsWith(`${m['mountPath']}/`));
  const volume = pod(objects)['spec']['volumes'].find((v: K8sObject) => v['name'] === mount['name']);
  const data = one(objects, 'ConfigMap', volume['configMap']['name'])['data'];
  const dir = mkdtempSync(join(tmpdir(), 'confide-k8s-'));
  try {
    const file = join(dir, 'config.json');
    writeFileSync(file, data[configFile.slice(mount['mountPath'].length + 1)]);
    const env: Record<string, string> = {};
    for (const e of c['env'] ?? []) env[e['name']] = e['value'] ?? (e['name'] === 'CONFIDE_STORE' ? 'postgres://confide:secret@db:5432/confide' : 'f3b1c0de9a8e7d6c5b4a39281706f5e4d3c2b1a0918273645546372819a0b1c2');
    return loadConfig({ file, env }).config;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const secretNames = (objects: K8sObject[]): string[] => {
  const spec = pod(objects)['spec'];
  const fromVolumes = (spec['volumes'] ?? []).filter((v: K8sObject) => v['secret']).map((v: K8sObject) => v['secret']['secretName']);
  const fromEnv = spec['containers'].flatMap((c: K8sObject) => (c['env'] ?? []).map((e: K8sObject) => e['valueFrom']?.['secretKeyRef']?.['name']).filter(Boolean));
  return [...new Set([...fromVolumes, ...fromEnv])];
};

function checkServerPod(objects: K8sObject[]): void {
  const spec = pod(objects)['spec'];
  assert.equal(spec['securityContext']['runAsNonRoot'], true);
  assert.equal(spec['automountServiceAccountToken'], false);
  for (const c of [...spec['containers'], ...(spec['initContainers'] ?? [])]) {
    assert.equal(c['securityContext']['allowPrivilegeEscalation'], false, c['name']);
    assert.equal(c['securityContext']['readOnlyRootFilesystem'], true, c['name']);
    assert.deepEqual(c['securityContext']['capabilities']['drop'], ['ALL'], c['name']);
    assert.ok(c['resources']['requests']['cpu'] && c['resources']['requests']['memory'], `${c['name']} has resource requests`);
  }
  const c = server(objects);
  assert.equal(c['readinessProbe']['httpGet']['path'], '/readyz');
  assert.equal(c['livenessProbe']['httpGet']['path'], '/healthz');
  for (const probe of [c['readinessProbe'], c['livenessProbe']]) {
    assert.equal(probe['httpGet']['scheme'], 'HTTPS');
    assert.equal(probe['httpGet']['port'], 'https');
  }
  const port = c['ports'].find((p: K8sObject) => p['name'] === 'https')['containerPort'];
  const config = loadMounted(objects);
  assert.equal(config.port, port, 'the container port is the one confide serve listens on');
  assert.deepEqual(config.host, ['0.0.0.0']);
  const service = one(objects, 'Service');
  assert.deepEqual(service['spec']['selector'], { 'app.kubernetes.io/name': 'confide' });
  assert.equal(pod(objects)['metadata']['labels']['app.kubernetes.io/name'], 'confide');
  assert.equal(service['spec']['ports'][0]['targetPort'], 'https');
  const open = one(objects, 'NetworkPolicy')['spec']['ingress'].flatMap((rule: K8sObject) => rule['ports'].map((p: K8sObject) => p['port']));
  const metricsPort = c['ports'].find((p: K8sObject) => p['name'] === 'metrics')['containerPort'];
  assert.deepEqual(open, [port, metricsPort], 'the NetworkPolicy opens the API and metrics ports, nothing else');
  assert.equal(config.metrics.port, metricsPort, 'metrics are served on the metrics container port');
  assert.equal(config.metrics.host, '0.0.0.0', 'reachable by a scraper in another pod');
  assert.equal(pod(objects)['metadata']['annotations']['prometheus.io/port'], String(metricsPort));
  const dataMount = c['volumeMounts'].find((m: K8sObject) => m['mountPath'] === config.dataDir);
  assert.ok(dataMount, 'the data directory is a mounted volume (the root file system is read-only)');
  assert.match(c['image'], /^ghcr\.io\/confide\/confide:/);
  // Every CONFIDE_* variable the manifests set is a configuration key's.
  const envNames = new Set((CONFIG_SCHEMA as readonly { env: string }[]).map((k) => k.env));
  for (const e of c['env'] ?? []) assert.ok(envNames.has(e['name']), `${e['name']} is not a configuration variable`);
  // The docs name every Secret an operator must create.
  for (const name of secretNames(objects).filter((n) => n !== 'confide-tls')) assert.ok(DOCS.includes(name), `docs/kubernetes.md names the Secret ${name}`);
}

test('overlays/dev: one replica in dev mode, SQLite on a persistent volume, no Secret to create', () => {
  const objects = build('dev');
  checkServerPod(objects);
  const deployment = one(objects, 'Deployment');
  assert.equal(deployment['spec']['replicas'], 1);
  assert.equal(deployment['spec']['strategy']['type'], 'Recreate', 'one SQLite writer: the old pod stops first');
  const config = loadMounted(objects);
  assert.equal(config.mode, 'dev');
  // The generated dev certificate names the Service, so marbles and clients reach it by name.
  assert.ok(config.tls.san?.includes('confide.confide.svc'));
  const data = pod(objects)['spec']['volumes'].find((v: K8sObject) => v['name'] === 'data');
  assert.equal(data['persistentVolumeClaim']['claimName'], 'confide-data');
  assert.equal(one(objects, 'PersistentVolumeClaim', 'confide-data')['spec']['accessModes'][0], 'ReadWriteOnce');
  assert.deepEqual(secretNames(objects), []);
  assert.equal(pod(objects)['spec']['initContainers'], undefined);
  for (const o of objects) if (o['kind'] !== 'Namespace') assert.equal(o['metadata']['namespace'], 'confide', `${o['kind']} in namespace confide`);
});

test('overlays/production: three replicas on PostgreSQL, TLS from cert-manager, the seal key at mode 0600, the webhook', () => {
  const objects = build('production');
  checkServerPod(objects);
  assert.equal(one(objects, 'Deployment')['spec']['replicas'], 3);
  assert.equal(one(objects, 'PodDisruptionBudget')['spec']['minAvailable'], 2);
  const config = loadMounted(objects);
  assert.equal(config.mode, 'production', 'the production configuration passes every production refusal');
  const c = server(objects);
  const store = c['env'].find((e: K8sObject) => e['name'] === 'CONFIDE_STORE');
  assert.deepEqual(store['valueFrom']['secretKeyRef'], { name: 'confide-postgres', key: 'url' });
  // TLS: the files the configuration names come from the Secret cert-manager fills.
  const tls = c['volumeMounts'].find((m: K8sObject) => m['name'] === 'tls');
  assert.equal(config.tls.cert, `${tls['mountPath']}/tls.crt`);
  assert.equal(config.tls.key, `${tls['mountPath']}/tls.key`);
  const certificate = one(objects, 'Certificate', 'confide-tls');
  assert.equal(pod(objects)['spec']['volumes'].find((v: K8sObject) => v['name'] === 'tls')['secret']['secretName'], certificate['spec']['secretName']);
  assert.ok(certificate['spec']['dnsNames'].includes('confide.confide.svc'));
  // The seal key: the init container copies the Secret to where the configuration reads it, mode 0600.
  const init = pod(objects)['spec']['initContainers'].find((i: K8sObject) => i['name'] === 'seal-key');
  assert.match(init['command'].join(' '), new RegExp(`chmod 600 ${config.seal.keyFile}`));
  // The webhook reaches the server's own route on the Service.
  const webhook = one(objects, 'MutatingWebhookConfiguration', 'confide-marble-injector');
  const hook = webhook['webhooks'][0];
  assert.deepEqual(hook['clientConfig']['service'], { name: 'confide', namespace: 'confide', path: MARBLE_INJECTOR_PATH, port: 8443 });
  assert.deepEqual(hook['admissionReviewVersions'], ['v1']);
  assert.equal(webhook['metadata']['annotations']['cert-manager.io/inject-ca-from'], 'confide/confide-tls');
  assert.deepEqual(hook['objectSelector']['matchExpressions'][0], { key: 'marblerun/marbletype', operator: 'Exists' });
  assert.equal(config.kubernetes.injector.enabled, true);
  assert.equal(config.kubernetes.injector.coordinatorAddress, 'confide.confide.svc:8443');
});

test('the builder fails a patch whose guard does not hold (a reordered base cannot pass silently)', () => {
  assert.throws(() => kustomize(join(DEPLOY, 'base')).length && kustomizeWithBadGuard(), /patch test/);
});

function kustomizeWithBadGuard(): never {
  const dir = mkdtempSync(join(tmpdir(), 'confide-k8s-'));
  try {
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        `  - ${join(DEPLOY, 'base')}`,
        'patches:',
        '  - target: {kind: Deployment, name: confide}',
        '    patch: |-',
        '      - {op: test, path: /spec/template/spec/volumes/0/name, value: not-config}',
      ].join('\n'),
    );
    kustomize(dir);
    throw new Error('the guard did not fail');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
