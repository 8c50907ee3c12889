/**
 * The part of kustomize that deploy/kubernetes uses, to build an overlay in a test where no
 * kustomize binary exists: `resources` (files, multi-document, and directories with their own
 * kustomization), `namespace`, `images`, `replicas` and `patches` with a target and an inline
 * RFC 6902 patch (json-patch.ts). Any other field fails the build, so a file that
 * starts to rely on something this does not implement cannot pass unnoticed.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { applyJsonPatch } from './json-patch.js';

export type K8sObject = Record<string, any>;

const FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'replicas', 'patches']);
/** Kinds without a namespace among those the files use. */
const CLUSTER_SCOPED = new Set(['Namespace', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ClusterRole', 'ClusterRoleBinding', 'ClusterIssuer']);

function podSpecs(obj: K8sObject): any[] {
  if (obj['kind'] === 'Pod') return [obj['spec']];
  const template = obj['spec']?.['template']?.['spec'];
  return template ? [template] : [];
}

function setImages(objects: K8sObject[], images: any[]): void {
  for (const image of images) {
    for (const spec of objects.flatMap(podSpecs)) {
      for (const c of [...(spec['containers'] ?? []), ...(spec['initContainers'] ?? [])]) {
        const name = String(c['image']).split(/[:@]/)[0];
        if (name === image.name) c['image'] = `${image.newName ?? name}:${image.newTag}`;
      }
    }
  }
}

/** Builds the kustomization in `dir` into its list of objects. */
export function kustomize(dir: string): K8sObject[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as K8sObject;
  for (const field of Object.keys(k)) if (!FIELDS.has(field)) throw new Error(`${dir}: kustomization field ${field} is not implemented by this test's builder`);
  if (k['apiVersion'] !== 'kustomize.config.k8s.io/v1beta1' || k['kind'] !== 'Kustomization') throw new Error(`${dir}: not a Kustomization`);
  let objects: K8sObject[] = [];
  for (const resource of k['resources'] ?? []) {
    const path = resolve(dir, resource);
    if (statSync(path).isDirectory()) objects.push(...kustomize(path));
    else {
      for (const d of parseAllDocuments(readFileSync(path, 'utf8'))) {
        if (d.errors.length > 0) throw new Error(`${path}: ${d.errors[0]!.message}`);
        const obj = d.toJS();
        if (obj !== null) objects.push(obj);
      }
    }
  }
  for (const patch of k['patches'] ?? []) {
    if (patch.path !== undefined || patch.target === undefined) throw new Error(`${dir}: only inline patches with a target are implemented`);
    const ops = parse(patch.patch);
    if (!Array.isArray(ops)) throw new Error(`${dir}: only RFC 6902 patches are implemented`);
    const hits = objects.filter((o) => o['kind'] === patch.target.kind && o['metadata']?.['name'] === patch.target.name);
    if (hits.length !== 1) throw new Error(`${dir}: patch target ${patch.target.kind}/${patch.target.name} matches ${hits.length} objects`);
    objects = objects.map((o) => (o === hits[0] ? applyJsonPatch(o, ops) : o));
  }
  if (k['namespace'] !== undefined) {
    for (const o of objects) {
      if (!CLUSTER_SCOPED.has(o['kind'])) o['metadata'] = { ...o['metadata'], namespace: k['namespace'] };
      for (const w of o['kind'] === 'MutatingWebhookConfiguration' ? o['webhooks'] ?? [] : []) if (w.clientConfig?.service) w.clientConfig.service.namespace = k['namespace'];
    }
  }
  setImages(objects, k['images'] ?? []);
  for (const r of k['replicas'] ?? []) {
    const hits = objects.filter((o) => ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(o['kind']) && o['metadata']?.['name'] === r.name);
    if (hits.length !== 1) throw new Error(`${dir}: replicas for ${r.name} match ${hits.length} objects`);
    hits[0]!['spec']['replicas'] = r.count;
  }
  const ids = objects.map((o) => `${o['kind']}/${o['metadata']?.['namespace'] ?? ''}/${o['metadata']?.['name']}`);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`${dir}: ${twice} is defined twice`);
  return objects;
}
