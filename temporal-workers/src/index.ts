/** @stint/temporal-workers — the run engine: Trigger-style runs as Temporal workflows. */
export { StintEngineClient } from "./client/engine-client.js";
export type { EngineClientOptions } from "./client/engine-options.js";
export { newRunId, newBatchId } from "./client/run-triggers.js";
export { EngineError, PacketError, TemporalPortInUseError } from "./errors.js";
export { isEngineUnavailable, toEngineError, type EngineFailure } from "./client/temporal-errors.js";
export {
  TemporalReachability,
  RECONNECT_CHANNEL_ARGS,
  type TemporalReachabilityOptions,
} from "./client/temporal-reachability.js";
export { connectTemporal, lazyTemporalConnection, temporalInterceptors } from "./client/temporal-connection.js";
export { stintDataConverter, PAYLOAD_CONVERTER_PATH } from "./shared/data-converter.js";
export {
  createStintWorkers,
  connectWorkers,
  type StintWorkers,
  type StintWorkersOptions,
} from "./worker/create-workers.js";
export { bundleEngineWorkflows, PREBUILT_WORKFLOW_BUNDLE } from "./worker/workflow-bundle.js";
export { InProcessExecutor, type InProcessExecutorOptions } from "./executor/in-process-executor.js";
// Runner executor: each attempt execution in a runner process of the version its run is locked to (`stint dev`; the
// supervisor's process executor plugs in its own launcher, store and client runtime).
export { RunnerExecutor, type RunnerExecutorOptions } from "./executor/runner-executor.js";
export {
  childProcessLauncher,
  runnerEntry,
  PREBUILT_RUNNER_MAIN,
  type ChildProcessLauncherOptions,
} from "./executor/child-process-launcher.js";
export { BundleStore, type StoredVersion } from "./executor/bundle-store.js";
export type {
  RunnerBundle,
  BundleManifest,
  ManifestTask,
  ManifestRetry,
  ToRunner,
  FromRunner,
  ApiRelayCall,
} from "./executor/runner-protocol.js";
export { API_RELAY_HEADERS } from "./executor/runner-protocol.js";
export type {
  RunnerHandle,
  RunnerLauncher,
  RunnerLaunchSpec,
  RunnerExecution,
  RunnerExit,
  RunnerPort,
} from "./executor/runner-transport.js";
// Runners that are not forked children (containers): the protocol over a Unix socket the runner connects to.
export { RunnerSocket } from "./executor/socket-transport.js";
export type { AttemptExecutor, AttemptJob } from "./executor/executor.js";
export type { AttemptChannel, LogSink, RunLogEntry } from "./executor/attempt-channel.js";
export { PACKET_REF_KEY, isPacketRef, packetRef, type PacketRef } from "./packets/packet-ref.js";
export type { Packet } from "./packets/packet-codec.js";
export { MAX_PACKET_BYTES } from "./packets/packet-limits.js";
export { objectPacketStore, type PacketStore, type ObjectStoreLike } from "./packets/packet-store.js";
export { ApiPacketStore, type ApiPacketStoreOptions } from "./packets/api-packet-store.js";
export {
  startDevServer,
  findTemporalBinary,
  freePort,
  type DevServer,
  type DevServerOptions,
} from "./dev-server/temporal-dev-server.js";
export {
  startSupervisedDevServer,
  type SupervisedDevServer,
  type SupervisedDevServerOptions,
  type DevServerEvent,
} from "./dev-server/supervised-dev-server.js";
export {
  SESSION_ROUTED,
  sessionAttemptQueue,
  type AttemptRouter,
  type AttemptRoute,
  type AttemptRouteRequest,
} from "./shared/attempt-routing.js";
export { SA, RUN_WORKFLOW_TYPE } from "./shared/search-attributes.js";
export type {
  RunState,
  EngineSettings,
  EnvironmentRef,
  JournalEntry,
  AttemptRecord,
  AttemptStartInfo,
} from "./shared/run-types.js";
export { ensureSearchAttributes } from "./client/ensure-search-attributes.js";
export { listRunChanges, type RunChange } from "./client/run-changes.js";
export { installRuntimeLogger } from "./worker/runtime-logger.js";
export type { ScheduleFireInput } from "./shared/schedule-fire.js";
export { EngineSchedules, isUnknownTimezoneError, type ScheduleDefinition } from "./client/schedules.js";
export {
  needsGate,
  type QueueSnapshot,
  type QueueConfiguration,
  type QueueGateKey,
  type QueueKeyShare,
  type RateLimitSetting,
} from "./shared/queue-gate.js";
export {
  environmentSettingsSchema,
  organizationSettingsSchema,
  queueConfigurationSchema,
  type EnvironmentSettingsInput,
  type OrganizationSettingsInput,
} from "./client/queue-settings.js";
export * from "./dispatcher/index.js";
