/**
 * The Kubernetes surface: the mutating admission webhook that prepares marble pods
 * (services/marble-injector). The API server posts an AdmissionReview and reads back the
 * review; malformed reviews get Confide's problem+json with ERR_ADMISSION_REVIEW_INVALID.
 */
import type { FastifyInstance } from 'fastify';
import { problemResponse } from '../../plugins/error-responses.js';
import { problemJson, surfaceErrors } from '../../plugins/problem.js';
import { answerAdmissionReview } from '../../services/marble-injector/admission-review.js';
import type { InjectorSettings } from '../../services/marble-injector/settings.js';

export const MARBLE_INJECTOR_PATH = '/kubernetes/mutate';

export interface KubernetesRoutesOptions {
  injector: InjectorSettings;
}

export async function kubernetesRoutes(app: FastifyInstance, opts: KubernetesRoutesOptions): Promise<void> {
  surfaceErrors(app, problemJson, { notFound: false, response: problemResponse });
  app.post(
    MARBLE_INJECTOR_PATH,
    {
      schema: {
        summary:
          'Mutating admission webhook (AdmissionReview v1) for marble pods: what MarbleRun\'s marble injector does (coordinator address, marble type, DNS names, UUID file, SGX resources), plus `confide run` before the command and the configfs-tsm directory for TDX and SEV-SNP (docs/kubernetes.md).',
        tags: ['kubernetes'],
      },
    },
    async (request) => answerAdmissionReview(request.body, opts.injector),
  );
}
