/**
 * What the marble injector does to one pod, as RFC 6902 JSON Patch operations: for a pod
 * labelled with a marble type, MarbleRun's injector (injector/injector.go) sets the coordinator
 * address, the marble type, the DNS names and a UUID file from the pod's own uid, and SGX
 * resources with their toleration; Confide adds `confide run` before the container's command
 * and, for TDX and SEV-SNP, the configfs-tsm report directory the launcher reads evidence from.
 * Existing settings are never overwritten, as in MarbleRun.
 */
import { ANNOTATION_LAUNCHER, ANNOTATION_TEE, INJECTOR_TEES, LABEL_MARBLE_CONTAINER, LABEL_MARBLE_TYPE, LABEL_RESOURCE_INJECTION, LAUNCHER_NONE, type InjectorSettings, type InjectorTee } from './settings.js';

export interface JsonPatchOp {
  op: 'add' | 'replace';
  path: string;
  value: unknown;
}

/** The parts of a core/v1 Pod the injector reads. */
export interface PodView {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    containers: ContainerView[];
    volumes?: unknown[];
    tolerations?: unknown[];
  };
}

interface ContainerView {
  name: string;
  command?: string[];
  env?: { name: string }[];
  volumeMounts?: { mountPath: string }[];
  resources?: { limits?: Record<string, unknown> };
}

export type Mutation = { allowed: true; patch: JsonPatchOp[]; message: string } | { allowed: false; message: string };

/** The configfs-tsm report directory (the launcher's TSM_REPORT_DIR), from the node into the container. */
const TSM_REPORT_DIR = '/sys/kernel/config/tsm/report';
const TSM_VOLUME = 'confide-tsm-report';
const INTEL_EPC = 'sgx.intel.com/epc';

/** The SGX limits MarbleRun sets per device plugin (util/k8sutil: GetEPCResourceLimit): Intel's takes three resources, the others one EPC amount in MiB. */
function sgxLimits(resource: string): [string, string][] {
  if (resource === INTEL_EPC) return [[INTEL_EPC, '10Mi'], ['sgx.intel.com/enclave', '1'], ['sgx.intel.com/provision', '1']];
  return [[resource, '10']];
}

/** RFC 6901: "~" and "/" inside one reference token. */
function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Adds each item to the array at `path`, creating the array when the object has none. */
function appendAll(patch: JsonPatchOp[], path: string, existing: unknown[] | undefined, items: unknown[]): void {
  if (items.length === 0) return;
  if (existing === undefined) patch.push({ op: 'add', path, value: items });
  else for (const item of items) patch.push({ op: 'add', path: `${path}/-`, value: item });
}

function teeOf(annotations: Record<string, string>): InjectorTee | undefined {
  const value = annotations[ANNOTATION_TEE] ?? 'sgx';
  return (INJECTOR_TEES as readonly string[]).includes(value) ? (value as InjectorTee) : undefined;
}

/**
 * The patch for `pod` created in `namespace`, with `requestUid` (the admission request's uid,
 * which names the UUID volume as MarbleRun does). A pod without the marble-type label is left
 * alone; an empty label, an unknown TEE, or a container whose command the launcher cannot wrap
 * (none in the spec: the image's entrypoint is invisible here) is refused, never run unattested.
 */
export function mutatePod(pod: PodView, namespace: string, requestUid: string, settings: InjectorSettings): Mutation {
  const labels = pod.metadata?.labels ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  const marbleType = labels[LABEL_MARBLE_TYPE];
  if (marbleType === undefined) return { allowed: true, patch: [], message: `no ${LABEL_MARBLE_TYPE} label: not a marble, left alone` };
  if (marbleType === '') return { allowed: false, message: `empty ${LABEL_MARBLE_TYPE} label, request denied` };
  const tee = teeOf(annotations);
  if (tee === undefined) return { allowed: false, message: `annotation ${ANNOTATION_TEE} must be one of ${INJECTOR_TEES.join(', ')}` };
  const devices = labels[LABEL_RESOURCE_INJECTION] !== 'disabled' && tee !== 'none';
  const launcher = annotations[ANNOTATION_LAUNCHER] ?? settings.launcher;
  const only = labels[LABEL_MARBLE_CONTAINER];
  const selected = pod.spec.containers.map((c, i) => [c, i] as const).filter(([c]) => only === undefined || only === '' || c.name === only);
  if (launcher !== LAUNCHER_NONE) {
    const bare = selected.find(([c]) => c.command === undefined || c.command.length === 0);
    if (bare) {
      return {
        allowed: false,
        message: `container ${bare[0].name} has no command, so \`confide run\` cannot be put before it (the image's entrypoint is not visible to the webhook): set its command, or annotate the pod ${ANNOTATION_LAUNCHER}: ${LAUNCHER_NONE} for a marble that activates itself`,
      };
    }
  }

  const uuidMount = `/${marbleType}-uid`;
  const uuidVolume = `uuid-file-${requestUid}`;
  const dnsNames = [marbleType, `${marbleType}.${namespace}`, `${marbleType}.${namespace}.svc.${settings.clusterDomain}`].join(',').toLowerCase();
  const patch: JsonPatchOp[] = [];
  let needUuidVolume = false;
  let needTsmVolume = false;
  for (const [container, i] of selected) {
    const base = `/spec/containers/${i}`;
    const has = (name: string) => (container.env ?? []).some((e) => e.name === name);
    const env: { name: string; value: string }[] = [];
    const wanted: [string, string][] = [
      ['EDG_MARBLE_COORDINATOR_ADDR', settings.coordinatorAddress],
      ['EDG_MARBLE_TYPE', marbleType],
      ['EDG_MARBLE_DNS_NAMES', dnsNames],
    ];
    if (tee === 'tdx' || tee === 'sev-snp') wanted.push(['CONFIDE_TEE', tee]);
    const mounts: { name: string; mountPath: string; readOnly?: boolean }[] = [];
    if (!has('EDG_MARBLE_UUID_FILE')) {
      wanted.push(['EDG_MARBLE_UUID_FILE', `${uuidMount}/uuid-file`]);
      if (!(container.volumeMounts ?? []).some((m) => m.mountPath === uuidMount)) {
        mounts.push({ name: uuidVolume, mountPath: uuidMount });
        needUuidVolume = true;
      }
    }
    for (const [name, value] of wanted) if (!has(name)) env.push({ name, value });
    if (devices && tee !== 'sgx' && !(container.volumeMounts ?? []).some((m) => m.mountPath === TSM_REPORT_DIR)) {
      mounts.push({ name: TSM_VOLUME, mountPath: TSM_REPORT_DIR });
      needTsmVolume = true;
    }
    appendAll(patch, `${base}/env`, container.env, env);
    appendAll(patch, `${base}/volumeMounts`, container.volumeMounts, mounts);
    if (devices && tee === 'sgx') {
      const limits = container.resources?.limits;
      const missing = sgxLimits(settings.sgxResource).filter(([k]) => limits?.[k] === undefined);
      if (missing.length > 0) {
        if (container.resources === undefined) patch.push({ op: 'add', path: `${base}/resources`, value: { limits: Object.fromEntries(missing) } });
        else if (limits === undefined) patch.push({ op: 'add', path: `${base}/resources/limits`, value: Object.fromEntries(missing) });
        else for (const [k, v] of missing) patch.push({ op: 'add', path: `${base}/resources/limits/${pointerToken(k)}`, value: v });
      }
    }
    if (launcher !== LAUNCHER_NONE) patch.push({ op: 'replace', path: `${base}/command`, value: [launcher, 'run', '--', ...container.command!] });
  }
  const volumes: unknown[] = [];
  if (needUuidVolume) volumes.push({ name: uuidVolume, downwardAPI: { items: [{ path: 'uuid-file', fieldRef: { fieldPath: 'metadata.uid' } }] } });
  if (needTsmVolume) volumes.push({ name: TSM_VOLUME, hostPath: { path: TSM_REPORT_DIR, type: 'Directory' } });
  appendAll(patch, '/spec/volumes', pod.spec.volumes, volumes);
  if (devices && tee === 'sgx') appendAll(patch, '/spec/tolerations', pod.spec.tolerations, [{ key: settings.sgxResource, operator: 'Exists', effect: 'NoSchedule' }]);
  return { allowed: true, patch, message: `mutation request for pod of marble type [${marbleType}] successful` };
}
