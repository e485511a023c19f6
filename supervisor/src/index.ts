/** @stint/supervisor — runs the attempts of deployed environments on a worker server (see docs/workers.md). */
export { Supervisor, type SupervisorOptions, type StopReason } from "./supervisor.js";
export {
  configFromCommandLine,
  parseConfig,
  supervisorConfigSchema,
  ConfigError,
  type SupervisorConfig,
} from "./config.js";
export { main } from "./main.js";
export { WorkerApi, WorkerTokenRefusedError, type WorkerGroupSettings } from "./worker-api.js";
export { MACHINE_PRESETS, DEFAULT_MACHINE, machineFor, type MachinePreset } from "./machine-presets.js";
export { ensureRuntimeImage, RUNTIME_IMAGE_REPOSITORY } from "./docker/runtime-image.js";
export { containerSpec, SUPERVISOR_LABEL } from "./docker/container-spec.js";
export { removeStaleContainers } from "./docker/stale-containers.js";
