/** Schemas of the keys API for validation and the OpenAPI description; the service checks values. */
export const nameParams = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const;
export const versionParams = { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' } }, required: ['name', 'version'] } as const;
export const anyQuery = { type: 'object', properties: { 'api-version': { type: 'string' }, maxresults: { type: 'string' }, $skiptoken: { type: 'string' } } } as const;

const attributes = { type: 'object', properties: { enabled: { type: 'boolean' }, nbf: { type: ['integer', 'null'] }, exp: { type: ['integer', 'null'] }, exportable: { type: 'boolean' } } };
const tags = { type: 'object', additionalProperties: { type: 'string' } };
const releasePolicy = { type: 'object', properties: { contentType: { type: 'string' }, data: { type: 'string' }, immutable: { type: 'boolean' } } };
const keyOps = { type: 'array', items: { type: 'string' }, maxItems: 8 };

export const createBody = {
  type: 'object',
  required: ['kty'],
  properties: { kty: { type: 'string' }, key_size: { type: 'integer' }, public_exponent: { type: 'integer' }, crv: { type: 'string' }, key_ops: keyOps, attributes, tags, release_policy: releasePolicy },
} as const;

export const importBody = {
  type: 'object',
  required: ['key'],
  properties: { key: { type: 'object', additionalProperties: true }, Hsm: { type: 'boolean' }, attributes, tags, release_policy: releasePolicy },
} as const;

export const updateBody = { type: 'object', properties: { key_ops: keyOps, attributes, tags, release_policy: releasePolicy } } as const;

export const operationBody = {
  type: 'object',
  required: ['alg'],
  properties: { alg: { type: 'string' }, value: { type: 'string' }, digest: { type: 'string' }, iv: { type: 'string' }, aad: { type: 'string' }, tag: { type: 'string' } },
} as const;

export const restoreBody = { type: 'object', required: ['value'], properties: { value: { type: 'string' } } } as const;
export const rngBody = { type: 'object', required: ['count'], properties: { count: { type: 'integer' } } } as const;
export const rotationPolicyBody = { type: 'object', additionalProperties: true } as const;
