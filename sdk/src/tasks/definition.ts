/** Task option and hook types, shaped like @trigger.dev/sdk v4's. */
import type { RetryOptions } from "../core/retry.js";
import type { TaskRunContext } from "../runtime/types.js";

export type Context = TaskRunContext;

export type MachinePresetName = "micro" | "small-1x" | "small-2x" | "medium-1x" | "medium-2x" | "large-1x" | "large-2x";

export interface QueueOptions {
  name?: string;
  concurrencyLimit?: number;
}

export interface RunFnParams<TInit = unknown> {
  ctx: Context;
  init?: TInit;
  signal: AbortSignal;
}

export type WaitInfo =
  | { type: "duration"; date: Date }
  | { type: "token"; token: string }
  | { type: "task"; runId: string }
  | { type: "batch"; batchId: string; runCount: number };

interface HookBase<TPayload> {
  ctx: Context;
  payload: TPayload;
  task: string;
  signal: AbortSignal;
  init?: unknown;
}

export type OnStartAttemptParams<TPayload> = HookBase<TPayload>;
export type OnSuccessParams<TPayload, TOutput> = HookBase<TPayload> & { output: TOutput };
export type OnFailureParams<TPayload> = HookBase<TPayload> & { error: unknown };
export type OnCompleteParams<TPayload, TOutput> = HookBase<TPayload> & {
  result: { ok: true; data: TOutput } | { ok: false; error: unknown };
};
export type OnWaitParams<TPayload> = HookBase<TPayload> & { wait: WaitInfo };
export type OnResumeParams<TPayload> = HookBase<TPayload> & { wait: WaitInfo };
export type OnCancelParams<TPayload> = HookBase<TPayload> & { runPromise: Promise<unknown> };
export type MiddlewareParams<TPayload> = HookBase<TPayload> & { next: () => Promise<void> };
export type CatchErrorParams<TPayload> = HookBase<TPayload> & {
  error: unknown;
  retry?: RetryOptions;
  retryAt?: Date;
  retryDelayInMs?: number;
};
export type CatchErrorResult =
  | void
  | undefined
  | { skipRetrying?: boolean; retryAt?: Date; retryDelayInMs?: number; retry?: RetryOptions; error?: unknown };

export interface TaskHooks<TPayload, TOutput> {
  /** @deprecated use onStartAttempt */
  onStart?: (params: OnStartAttemptParams<TPayload>) => unknown;
  onStartAttempt?: (params: OnStartAttemptParams<TPayload>) => unknown;
  onSuccess?: (params: OnSuccessParams<TPayload, TOutput>) => unknown;
  onFailure?: (params: OnFailureParams<TPayload>) => unknown;
  onComplete?: (params: OnCompleteParams<TPayload, TOutput>) => unknown;
  onWait?: (params: OnWaitParams<TPayload>) => unknown;
  onResume?: (params: OnResumeParams<TPayload>) => unknown;
  onCancel?: (params: OnCancelParams<TPayload>) => unknown;
  middleware?: (params: MiddlewareParams<TPayload>) => Promise<void>;
  catchError?: (params: CatchErrorParams<TPayload>) => CatchErrorResult | Promise<CatchErrorResult>;
  /** @deprecated use catchError */
  handleError?: (params: CatchErrorParams<TPayload>) => CatchErrorResult | Promise<CatchErrorResult>;
  /** @deprecated use middleware / locals */
  init?: (params: HookBase<TPayload>) => unknown;
  /** @deprecated use middleware */
  cleanup?: (params: HookBase<TPayload>) => unknown;
}

export interface CommonTaskOptions<TIdentifier extends string, TPayload, TOutput, TInit = unknown>
  extends TaskHooks<TPayload, TOutput> {
  id: TIdentifier;
  description?: string;
  retry?: RetryOptions;
  queue?: QueueOptions;
  machine?: MachinePresetName | { preset?: MachinePresetName; cpu?: number; memory?: number };
  /** Maximum compute time of a run, in seconds (minimum 5). Past it the run ends TIMED_OUT. */
  maxDuration?: number;
  ttl?: string | number;
  jsonSchema?: unknown;
  /**
   * Stint: how long a wait may keep this attempt's process before the run suspends (seconds, a duration string,
   * or "never"). Defaults to the project's checkpointThreshold.
   */
  checkpointThreshold?: string | number;
  run: (payload: TPayload, params: RunFnParams<TInit>) => Promise<TOutput>;
}

export type TaskOptions<
  TIdentifier extends string,
  TPayload = void,
  TOutput = unknown,
  TInit = unknown,
> = CommonTaskOptions<TIdentifier, TPayload, TOutput, TInit>;

/** A parse function or any schema library object with parse/parseAsync/validate/assert. */
export type TaskSchema =
  | ((value: unknown) => unknown)
  | { parse: (value: unknown) => unknown }
  | { parseAsync: (value: unknown) => Promise<unknown> }
  | { "~standard": { validate: (value: unknown) => unknown } };

type SchemaOutput<S> = S extends { _output: infer O }
  ? O
  : S extends { "~standard": { types?: { output: infer O } } }
    ? O
    : S extends { parse: (value: unknown) => infer O }
      ? O
      : S extends (value: unknown) => infer O
        ? Awaited<O>
        : unknown;

type SchemaInput<S> = S extends { _input: infer I }
  ? I
  : S extends { "~standard": { types?: { input: infer I } } }
    ? I
    : SchemaOutput<S>;

export type inferSchemaIn<S> = SchemaInput<S>;
export type inferSchemaOut<S> = SchemaOutput<S>;

export type TaskOptionsWithSchema<
  TIdentifier extends string,
  TSchema extends TaskSchema | undefined,
  TOutput,
  TInit = unknown,
> = Omit<
  CommonTaskOptions<TIdentifier, TSchema extends TaskSchema ? SchemaOutput<TSchema> : unknown, TOutput, TInit>,
  "run"
> & {
  schema?: TSchema;
  run: (
    payload: TSchema extends TaskSchema ? SchemaOutput<TSchema> : unknown,
    params: RunFnParams<TInit>,
  ) => Promise<TOutput>;
};
export type TaskWithSchemaOptions<
  TIdentifier extends string,
  TSchema extends TaskSchema | undefined,
  TOutput,
  TInit = unknown,
> = TaskOptionsWithSchema<TIdentifier, TSchema, TOutput, TInit>;

/** What the engine needs to run a task: kept in the catalog. */
export interface TaskDefinition {
  id: string;
  filePath: string;
  exportName?: string;
  options: CommonTaskOptions<string, any, any>;
  /** Validates and transforms a payload (schemaTask) — throws TaskPayloadParsedError. */
  parsePayload?: (payload: unknown) => Promise<unknown>;
  /** Declared by schedules.task. */
  schedule?: { cron: string; timezone?: string };
}

type HookList<F> = F[];
export interface GlobalHooks {
  onStartAttempt: HookList<NonNullable<TaskHooks<any, any>["onStartAttempt"]>>;
  onSuccess: HookList<NonNullable<TaskHooks<any, any>["onSuccess"]>>;
  onFailure: HookList<NonNullable<TaskHooks<any, any>["onFailure"]>>;
  onComplete: HookList<NonNullable<TaskHooks<any, any>["onComplete"]>>;
  onWait: HookList<NonNullable<TaskHooks<any, any>["onWait"]>>;
  onResume: HookList<NonNullable<TaskHooks<any, any>["onResume"]>>;
  onCancel: HookList<NonNullable<TaskHooks<any, any>["onCancel"]>>;
  catchError: HookList<NonNullable<TaskHooks<any, any>["catchError"]>>;
  middleware: HookList<NonNullable<TaskHooks<any, any>["middleware"]>>;
  init: HookList<NonNullable<TaskHooks<any, any>["init"]>>;
}
