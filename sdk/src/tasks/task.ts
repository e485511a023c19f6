/** task() and schemaTask(): register a task in the catalog and return its typed instance. */
import { TaskPayloadParsedError } from "../core/errors.js";
import { sdkGlobals } from "../runtime/globals.js";
import type {
  CommonTaskOptions,
  TaskDefinition,
  TaskOptions,
  TaskOptionsWithSchema,
  TaskSchema,
  inferSchemaIn,
  inferSchemaOut,
} from "./definition.js";
import type { TaskRunPromise, TaskRunResult } from "./run-result.js";
import {
  batchTriggerAndWaitWire,
  batchTriggerWire,
  collectItems,
  toWireItem,
  triggerAndWaitById,
  triggerById,
  type BatchItem,
  type BatchResult,
  type BatchRunHandle,
  type RunHandle,
} from "./trigger.js";
import type { BatchTriggerOptions, TriggerAndWaitOptions, TriggerOptions } from "./trigger-options.js";
import { triggerAndSubscribeById, type TriggerAndSubscribeOptions } from "./trigger-and-subscribe.js";

type Items<T> = Array<BatchItem<T>> | AsyncIterable<BatchItem<T>> | ReadableStream<BatchItem<T>>;

export interface Task<TIdentifier extends string, TInput = void, TOutput = any> {
  id: TIdentifier;
  description?: string;
  trigger: (
    payload: TInput,
    options?: TriggerOptions,
    requestOptions?: unknown,
  ) => Promise<RunHandle<TIdentifier, TInput, TOutput>>;
  batchTrigger: (
    items: Items<TInput>,
    options?: BatchTriggerOptions,
    requestOptions?: unknown,
  ) => Promise<BatchRunHandle<TIdentifier, TInput, TOutput>>;
  triggerAndWait: (
    payload: TInput,
    options?: TriggerAndWaitOptions,
    requestOptions?: unknown,
  ) => TaskRunPromise<TIdentifier, TOutput>;
  batchTriggerAndWait: (
    items: Items<TInput>,
    options?: BatchTriggerOptions,
  ) => Promise<BatchResult<TIdentifier, TOutput>>;
  /** Triggers a run and follows it to its end without a waitpoint (the process stays alive; several can run at once). */
  triggerAndSubscribe: (
    payload: TInput,
    options?: TriggerAndSubscribeOptions,
    requestOptions?: unknown,
  ) => TaskRunPromise<TIdentifier, TOutput>;
  /** The task's `jsonSchema` option, as declared. */
  jsonSchema?: unknown;
}

export type TaskWithSchema<
  TIdentifier extends string,
  TSchema extends TaskSchema | undefined = undefined,
  TOutput = any,
> = Task<TIdentifier, TSchema extends TaskSchema ? inferSchemaIn<TSchema> : void, TOutput> & { schema?: TSchema };

export type AnyTask = Task<string, any, any>;
export type TaskIdentifier<T> = T extends Task<infer I, any, any> ? I : never;
export type TaskPayload<T> = T extends Task<any, infer P, any> ? P : never;
export type TaskOutput<T> = T extends Task<any, any, infer O> ? O : never;
export type TaskFromIdentifier<T extends AnyTask, I extends string> = T extends Task<I, any, any> ? T : never;

/** Where the task is defined, as seen by the loader that imports the file. */
function definedIn(): string {
  return sdkGlobals().currentFile ?? "unknown";
}

function register(definition: TaskDefinition): void {
  if (!/^[a-zA-Z0-9_\-.:/]{1,128}$/.test(definition.id)) {
    throw new TypeError(`task id "${definition.id}" is invalid: use 1-128 letters, digits, "-", "_", ".", ":" or "/"`);
  }
  const globals = sdkGlobals();
  const earlier = globals.catalog.get(definition.id);
  if (earlier) {
    // Two definitions of one id: the last one wins here, and `stint deploy` refuses the project (see taskIdClashes).
    const clashes = (globals.taskIdClashes ??= new Map());
    clashes.set(definition.id, [...(clashes.get(definition.id) ?? [earlier.filePath]), definition.filePath]);
  }
  globals.catalog.set(definition.id, definition);
}

function instance<TIdentifier extends string, TInput, TOutput>(
  id: TIdentifier,
  description?: string,
  jsonSchema?: unknown,
): Task<TIdentifier, TInput, TOutput> {
  return {
    id,
    description,
    jsonSchema,
    triggerAndSubscribe: (payload, options) => triggerAndSubscribeById<TIdentifier, TOutput>(id, payload, options),
    trigger: (payload, options) =>
      triggerById(id, payload, options) as Promise<RunHandle<TIdentifier, TInput, TOutput>>,
    triggerAndWait: (payload, options) => triggerAndWaitById<TIdentifier, TOutput>(id, payload, options),
    batchTrigger: async (items, options) => {
      const list = await collectItems(items);
      const wire = await Promise.all(
        list.map((item, i) => toWireItem(id, item.payload, item.options, `items[${i}].options`)),
      );
      return (await batchTriggerWire(wire, options, `${id}.batchTrigger`)) as BatchRunHandle<
        TIdentifier,
        TInput,
        TOutput
      >;
    },
    batchTriggerAndWait: async (items, options) => {
      const list = await collectItems(items);
      const wire = await Promise.all(
        list.map((item, i) => toWireItem(id, item.payload, item.options, `items[${i}].options`)),
      );
      return (await batchTriggerAndWaitWire(wire, options, `${id}.batchTriggerAndWait`)) as {
        id: string;
        runs: TaskRunResult<TIdentifier, TOutput>[];
      };
    },
  };
}

export function createTask<TIdentifier extends string, TInput = void, TOutput = unknown, TInit = any>(
  options: TaskOptions<TIdentifier, TInput, TOutput, TInit>,
): Task<TIdentifier, TInput, TOutput> {
  register({ id: options.id, filePath: definedIn(), options: options as CommonTaskOptions<string, any, any> });
  return instance<TIdentifier, TInput, TOutput>(options.id, options.description, options.jsonSchema);
}

/** Turns any supported schema (zod, valibot, arktype, a parse function, standard-schema) into an async parser. */
export function schemaParser(schema: TaskSchema): (value: unknown) => Promise<unknown> {
  return async (value) => {
    try {
      if (typeof schema === "function") return await schema(value);
      if ("parseAsync" in schema && typeof schema.parseAsync === "function") return await schema.parseAsync(value);
      if ("parse" in schema && typeof schema.parse === "function") return schema.parse(value);
      if ("~standard" in schema) {
        const result = (await schema["~standard"].validate(value)) as {
          value?: unknown;
          issues?: { message: string }[];
        };
        if (result.issues) throw new Error(result.issues.map((i) => i.message).join("; "));
        return result.value;
      }
    } catch (error) {
      throw new TaskPayloadParsedError(error);
    }
    throw new TypeError("schemaTask: schema must be a parse function or a schema object with parse()");
  };
}

export function createSchemaTask<
  TIdentifier extends string,
  TSchema extends TaskSchema | undefined = undefined,
  TOutput = unknown,
  TInit = any,
>(options: TaskOptionsWithSchema<TIdentifier, TSchema, TOutput, TInit>): TaskWithSchema<TIdentifier, TSchema, TOutput> {
  const parsePayload = options.schema ? schemaParser(options.schema) : undefined;
  register({
    id: options.id,
    filePath: definedIn(),
    options: options as unknown as CommonTaskOptions<string, any, any>,
    parsePayload,
  });
  return Object.assign(
    instance<TIdentifier, TSchema extends TaskSchema ? inferSchemaIn<TSchema> : void, TOutput>(
      options.id,
      options.description,
      options.jsonSchema,
    ),
    {
      schema: options.schema,
    },
  );
}

export type { inferSchemaOut };
