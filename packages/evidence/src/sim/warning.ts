/** What every tool that makes or accepts simulated evidence tells its user. */
export const SIM_WARNING = 'WARNING: simulated TEE evidence proves nothing about hardware; it is for development only.';
