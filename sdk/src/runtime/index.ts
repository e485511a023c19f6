/** Engine-facing entry (`@stint/sdk/runtime`): what executors and engines use to run task code. */
export * from "./types.js";
export { sdkGlobals, setClientRuntime, resetCatalog, currentRunRuntime } from "./globals.js";
export {
  executeAttempt,
  findTask,
  type AttemptOutcome,
  type AttemptRequest,
} from "./execute-attempt.js";
export { parseDurationMs, resolveDate } from "../core/duration.js";
export { serializeError, deserializeError, MaxDurationExceededError, type SerializedError } from "../core/errors.js";
export { toJsonSafe, stringifyJsonSafe } from "../core/json-safe.js";
export { defaultRetryOptions, retryDelayMs } from "../core/retry.js";
export { schemaParser } from "../tasks/task.js";
export { triggerOptionsSchema, describeZodError } from "../tasks/trigger-options.js";
export { MAX_BATCH_ITEMS } from "../tasks/trigger.js";
export { declaredQueues, taskQueueName, type DeclaredQueue } from "./declared-queues.js";
export { setApiRelay, type ApiRelay, type ApiRelayRequest, type ApiRelayResponse } from "../management-api.js";
