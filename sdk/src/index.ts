/**
 * @stint/sdk — the exports of @trigger.dev/sdk v4, running on Stint's Temporal engine.
 * Code written for @trigger.dev/sdk imports this module unchanged (the stint CLI aliases it). Parts Stint does not
 * support yet exist too and fail when called, naming the feature (see unsupported.ts).
 */
import { createSchemaTask, createTask } from "./tasks/task.js";
import { authConfiguration } from "./auth.js";
import { publicTokens } from "./public-tokens.js";

export const task = createTask;
export const schemaTask = createSchemaTask;
/** @deprecated Trigger's AI tool wrapper; kept for source compatibility. */
export const toolTask = createSchemaTask;
export { tasks } from "./tasks-api.js";
export const auth = { ...authConfiguration, ...publicTokens };
export { configure, type ApiClientConfiguration } from "./auth.js";

export {
  onStart,
  onStartAttempt,
  onSuccess,
  onFailure,
  onComplete,
  onWait,
  onResume,
  onCancel,
  onCatchError,
  onHandleError,
  middleware,
} from "./hooks.js";
export { batch, type Items } from "./batch.js";
export { wait, ManualWaitpointPromise } from "./wait.js";
export type {
  WaitForOptions,
  WaitUntilOptions,
  CreateWaitpointTokenOptions,
  WaitpointTokenResult,
  ListTokensOptions,
} from "./wait.js";
export { metadata } from "./metadata.js";
export { tags } from "./tags.js";
export { logger, type LogLevel } from "./logger.js";
export { idempotencyKeys, type IdempotencyKey, type IdempotencyKeyScope } from "./idempotency-keys.js";
export { retry, type RetryOptions } from "./retry.js";
export {
  runs,
  type RunShape,
  type AnyRunShape,
  type TaskRunShape,
  type RealtimeRun,
  type AnyRealtimeRun,
  type RetrieveRunResult,
  type AnyRetrieveRunResult,
} from "./runs.js";
export * as schedules from "./schedules.js";
export { defineConfig, type TriggerConfig } from "./config.js";
export {
  queue,
  usage,
  locals,
  timeout,
  heartbeats,
  waitUntil,
  markChatAgentRunForStreamsWarning,
  type Queue,
} from "./misc.js";
export {
  AbortTaskRunError,
  OutOfMemoryError,
  CompleteTaskWithOutput,
  TaskPayloadParsedError,
  SubtaskUnwrapError,
  WaitpointTimeoutError,
  ApiError,
  BatchTriggerError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  OIDCTokenError,
  ChatChunkTooLargeError,
  isChatChunkTooLargeError,
} from "./core/errors.js";
export { createCache, InMemoryCache, type CacheStore } from "./cache.js";
export { otel } from "./otel.js";
export { streams, type PipedStream, type StreamOptions, type AsyncIterableStream } from "./streams.js";
export { InputStreamOncePromise, type InputStreamOnceResult } from "./input-streams.js";
export { envvars, type EnvironmentVariable } from "./envvars.js";
export { queues, type QueueItem, type RetrieveQueueParam } from "./queues.js";
export {
  concurrencyLimit,
  concurrencyLimits,
  type ConcurrencyLimit,
  type ConcurrencyLimitOptions,
} from "./concurrency-limits.js";
export { deployments } from "./deployments.js";
export { prompts, skills } from "./prompts.js";
export { query, type QueryOptions, type QueryScope, type QueryFormat } from "./query.js";
export {
  sessions,
  SessionHandle,
  SessionInputChannel,
  SessionOutputChannel,
  __setSessionStartImplForTests,
  __setSessionOpenImplForTests,
  __setSessionCloseImplForTests,
} from "./sessions.js";
export {
  webhook,
  webhooks,
  webhookSources,
  providerProducers,
  defineWebhookEndpoint,
  normalizeKeyString,
  chatEvent,
  type WebhookEndpoint,
  type WebhookSource,
} from "./webhooks.js";
export { TriggerClient, type TriggerClientConfig } from "./trigger-client.js";
export {
  StintUnsupportedError,
  InputStreamTimeoutError,
  WebhookError,
  WebhookIndexingError,
  WebhookWaiterCancelledError,
  WebhookWaiterLimitError,
  WebhookEndpointNotFoundError,
  WebhookFilterError,
} from "./core/errors.js";
export { TaskRunPromise, type TaskRunResult } from "./tasks/run-result.js";
export type { TriggerAndSubscribeOptions } from "./tasks/trigger-and-subscribe.js";
export type {
  Task,
  TaskWithSchema,
  AnyTask,
  TaskIdentifier,
  TaskPayload,
  TaskOutput,
  TaskFromIdentifier,
} from "./tasks/task.js";
export type { RunHandle, BatchRunHandle, BatchResult, BatchItem } from "./tasks/trigger.js";
export type { BatchByIdItem, BatchByTaskItem, BatchByIdResult } from "./batch.js";
export type { TriggerOptions, TriggerAndWaitOptions, BatchTriggerOptions } from "./tasks/trigger-options.js";
export type {
  Context,
  TaskOptions,
  TaskOptionsWithSchema,
  TaskWithSchemaOptions,
  TaskSchema,
  MachinePresetName,
  RunFnParams,
  WaitInfo,
  CatchErrorResult,
} from "./tasks/definition.js";
export type { RunStatus, TaskRunContext } from "./runtime/types.js";
