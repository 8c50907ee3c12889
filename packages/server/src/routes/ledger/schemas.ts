/** Request schemas of the Confidential Ledger routes (api-version 2022-05-13, as @azure-rest/confidential-ledger 1.0.0 sends it). */

/** Any api-version is accepted; a nextLink followed by the client carries a second one, so it may repeat. */
const apiVersion = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
const text = { type: 'string' };

export const collectionQuery = { type: 'object', properties: { 'api-version': apiVersion, collectionId: text } } as const;
export const rangeQuery = { type: 'object', properties: { 'api-version': apiVersion, collectionId: text, fromTransactionId: text, toTransactionId: text } } as const;
export const collectionsQuery = { type: 'object', properties: { 'api-version': apiVersion, from: text } } as const;
export const versionQuery = { type: 'object', properties: { 'api-version': apiVersion } } as const;
export const transactionParams = { type: 'object', properties: { transactionId: { type: 'string', maxLength: 40 } }, required: ['transactionId'] } as const;
export const userParams = { type: 'object', properties: { userId: { type: 'string', maxLength: 256 } }, required: ['userId'] } as const;
export const entryBody = { type: 'object', properties: { contents: { type: 'string' }, collectionId: text, transactionId: text }, required: ['contents'] } as const;
export const userBody = { type: 'object', properties: { assignedRole: { type: 'string', enum: ['Administrator', 'Contributor', 'Reader'] }, userId: text }, required: ['assignedRole'] } as const;
