/** @stint/temporal-workers — the run engine: Trigger-style runs as Temporal workflows. */
export { StintEngineClient, DEFAULT_SETTINGS, newRunId, newBatchId, type EngineClientOptions } from "./client/engine-client.js";
export { EngineError } from "./client/engine-error.js";
export { createStintWorkers, type StintWorkers, type StintWorkersOptions } from "./worker/create-workers.js";
export { engineWorkflowBundle, WORKFLOWS_PATH } from "./worker/workflow-bundle.js";
export { InProcessExecutor, parseThreshold, type InProcessExecutorOptions } from "./executor/in-process-executor.js";
export type { AttemptExecutor, AttemptJob } from "./executor/executor.js";
export type { AttemptChannel, LogSink, RunLogEntry } from "./executor/attempt-channel.js";
export { AttemptRuntime } from "./executor/attempt-runtime.js";
export { startDevServer, findTemporalBinary, freePort, type DevServer, type DevServerOptions } from "./dev-server/temporal-dev-server.js";
export { resolveAttemptQueue, TASK_PLACEHOLDER } from "./shared/run-input.js";
export { SEARCH_ATTRIBUTE_DEFINITIONS, SA, RUN_WORKFLOW_TYPE, TOKEN_WORKFLOW_TYPE, SCHEDULE_FIRE_WORKFLOW_TYPE } from "./shared/search-attributes.js";
export type { RunState, EngineSettings, EnvironmentRef, JournalEntry, AttemptRecord } from "./shared/run-types.js";
export { ensureSearchAttributes } from "./client/ensure-search-attributes.js";
export { installRuntimeLogger } from "./worker/runtime-logger.js";
export type { ScheduleFireInput } from "./workflows/schedule-workflow.js";
export type { RunPlacement } from "./shared/run-input.js";
export { scheduleTimes } from "./shared/schedule-times.js";
