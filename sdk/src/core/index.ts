/** Pure helpers with no Node imports: safe inside Temporal's deterministic workflow sandbox. */
export { parseDebounceDurationMs, parseDurationMs, resolveDate, waitForDurationMs } from "./duration.js";
export { retryDelayMs, defaultRetryOptions, type RetryOptions } from "./retry.js";
export { serializeError, deserializeError, isNonRetryableError, type SerializedError } from "./errors.js";
export { toJsonSafe, stringifyJsonSafe } from "./json-safe.js";
export { defaultQueueName } from "./queue-names.js";
export {
  FAILED_STATUSES,
  FINAL_STATUSES,
  isFailedStatus,
  isFinalStatus,
  RUN_STATUSES,
  type FinalStatus,
  type RunStatus,
} from "./run-status.js";
