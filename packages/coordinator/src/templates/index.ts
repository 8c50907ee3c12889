/** MarbleRun's Go-template expressions in marble Files and Env: rendering and the manifest dry run. */
export { renderParameters, renderParametersAhead, type ParametersInput, type RenderedParameters } from './render.js';
export { PendingCertificate } from './pending-certificate.js';
export { dryRunTemplates } from './dry-run.js';
export { templateContext } from './context.js';
export type { TemplateContext, MarbleRunSecrets } from './values.js';
export type { FileInput } from './file-data.js';
