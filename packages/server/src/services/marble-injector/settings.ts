/**
 * What the marble injector is configured with, and the labels and annotations it reads. The
 * labels are MarbleRun's own (injector/injector.go), so pods written for MarbleRun's injector
 * are recognised as they are; the annotations are Confide's additions.
 */

/** MarbleRun's labels: the marble type (the pod is a marble), the one container to inject, and the opt-out of device resources. */
export const LABEL_MARBLE_TYPE = 'marblerun/marbletype';
export const LABEL_MARBLE_CONTAINER = 'marblerun/marblecontainer';
export const LABEL_RESOURCE_INJECTION = 'marblerun/resource-injection';

/** Confide's annotations: which TEE the marble runs in, and the launcher that wraps its command. */
export const ANNOTATION_TEE = 'confide.dev/tee';
export const ANNOTATION_LAUNCHER = 'confide.dev/launcher';

/** The TEEs a pod may ask for; sgx is the default, as MarbleRun injects SGX resources unless told not to. */
export const INJECTOR_TEES = ['sgx', 'tdx', 'sev-snp', 'none'] as const;
export type InjectorTee = (typeof INJECTOR_TEES)[number];

/** The launcher annotation's value that leaves the command alone (marbles with a built-in premain activate themselves). */
export const LAUNCHER_NONE = 'none';

export interface InjectorSettings {
  /** host:port the marbles' launcher reaches the coordinator at (EDG_MARBLE_COORDINATOR_ADDR). */
  coordinatorAddress: string;
  /** The cluster's DNS domain, for the marble certificate's DNS names. */
  clusterDomain: string;
  /** The SGX device plugin's EPC resource (MarbleRun's --sgxResource). */
  sgxResource: string;
  /** The `confide` executable in the marble's image, put before its command. */
  launcher: string;
}
