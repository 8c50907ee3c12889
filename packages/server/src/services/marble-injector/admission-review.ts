/**
 * The admission.k8s.io/v1 AdmissionReview exchange of a mutating webhook: the API server's
 * request in, the review with the response out (the patch as base64 JSON Patch), in the shape
 * MarbleRun's injector answers (`status` carries Success or Failure and the message).
 */
import { isJsonObject, toBase64, utf8 } from '@confide/core';
import { ServerError } from '../../errors/server-error.js';
import { mutatePod, type PodView } from './mutate-pod.js';
import type { InjectorSettings } from './settings.js';

const API_VERSION = 'admission.k8s.io/v1';

export interface AdmissionReviewResponse {
  apiVersion: typeof API_VERSION;
  kind: 'AdmissionReview';
  response: {
    uid: string;
    allowed: boolean;
    status: { status: 'Success' | 'Failure'; message: string };
    patchType?: 'JSONPatch';
    patch?: string;
  };
}

function invalid(message: string): never {
  throw new ServerError('ERR_ADMISSION_REVIEW_INVALID', message);
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isStringMap = (v: unknown): v is Record<string, string> => isJsonObject(v) && Object.values(v).every((s) => typeof s === 'string');

/** The pod in the request, checked in every field the injector reads or patches. */
function podOf(object: unknown): PodView {
  if (!isJsonObject(object) || !isJsonObject(object['spec'])) invalid('request.object is not a Pod: it has no spec');
  const metadata = object['metadata'];
  if (metadata !== undefined && !isJsonObject(metadata)) invalid('request.object.metadata is not an object');
  for (const field of ['labels', 'annotations'] as const) {
    if (metadata?.[field] !== undefined && !isStringMap(metadata[field])) invalid(`request.object.metadata.${field} must map strings to strings`);
  }
  const spec = object['spec'];
  const containers = spec['containers'];
  if (!Array.isArray(containers) || containers.length === 0) invalid('request.object.spec.containers must be a non-empty array');
  for (const field of ['volumes', 'tolerations'] as const) if (spec[field] !== undefined && !Array.isArray(spec[field])) invalid(`request.object.spec.${field} must be an array`);
  containers.forEach((c: unknown, i: number) => {
    const at = `request.object.spec.containers[${i}]`;
    if (!isJsonObject(c) || typeof c['name'] !== 'string') invalid(`${at} must be an object with a name`);
    if (c['command'] !== undefined && !isStringArray(c['command'])) invalid(`${at}.command must be an array of strings`);
    if (c['env'] !== undefined && !(Array.isArray(c['env']) && c['env'].every((e) => isJsonObject(e) && typeof e['name'] === 'string'))) invalid(`${at}.env must be an array of named variables`);
    if (c['volumeMounts'] !== undefined && !(Array.isArray(c['volumeMounts']) && c['volumeMounts'].every((m) => isJsonObject(m) && typeof m['mountPath'] === 'string'))) {
      invalid(`${at}.volumeMounts must be an array of mounts with a mountPath`);
    }
    const resources = c['resources'];
    if (resources !== undefined && !(isJsonObject(resources) && (resources['limits'] === undefined || isJsonObject(resources['limits'])))) invalid(`${at}.resources.limits must be an object`);
  });
  return object as unknown as PodView;
}

/**
 * Answers one AdmissionReview. Throws ERR_ADMISSION_REVIEW_INVALID (400) for a body that is not
 * an admission.k8s.io/v1 review of a well-formed pod; a review of another kind of object is
 * allowed unchanged (the webhook's rules send pods only).
 */
export function answerAdmissionReview(body: unknown, settings: InjectorSettings): AdmissionReviewResponse {
  if (!isJsonObject(body) || body['apiVersion'] !== API_VERSION || body['kind'] !== 'AdmissionReview') invalid(`the body must be an ${API_VERSION} AdmissionReview`);
  const request = body['request'];
  if (!isJsonObject(request)) invalid('the AdmissionReview has no request');
  const uid = request['uid'];
  if (typeof uid !== 'string' || uid === '') invalid('request.uid must be a non-empty string');
  const namespace = typeof request['namespace'] === 'string' && request['namespace'] !== '' ? request['namespace'] : 'default';
  const kind = request['kind'];
  const review = (response: Omit<AdmissionReviewResponse['response'], 'uid'>): AdmissionReviewResponse => ({ apiVersion: API_VERSION, kind: 'AdmissionReview', response: { uid, ...response } });
  if (!isJsonObject(kind) || kind['kind'] !== 'Pod' || (kind['group'] ?? '') !== '') {
    return review({ allowed: true, status: { status: 'Success', message: 'not a pod: left alone' } });
  }
  const result = mutatePod(podOf(request['object']), namespace, uid, settings);
  if (!result.allowed) return review({ allowed: false, status: { status: 'Failure', message: result.message } });
  return review({
    allowed: true,
    status: { status: 'Success', message: result.message },
    ...(result.patch.length > 0 ? { patchType: 'JSONPatch' as const, patch: toBase64(utf8(JSON.stringify(result.patch))) } : {}),
  });
}
