/**
 * Stint's one extra option, `checkpointThreshold`, for projects whose TypeScript resolves `@trigger.dev/sdk` to the
 * real package (its types) while `stint` runs them on Stint's SDK. `stint init` writes this file into the project as
 * `stint-env.d.ts`; keep it where your tsconfig.json includes it.
 *
 * How: the real SDK declares its task options and config as type aliases, which declaration merging cannot extend,
 * so this adds overloads of `task`, `schemaTask` and `defineConfig` that accept the option (the originals stay first,
 * so inference and errors are unchanged for code that does not use it). Like the real SDK's own declarations, this
 * file is checked with `skipLibCheck: true` (the real SDK's .d.ts files reference packages it does not install).
 */
import type {
  InitOutput,
  Task,
  TaskOptions,
  TaskOptionsWithSchema,
  TaskSchema,
  TaskWithSchema,
  TaskWithSchemaOptions,
  TriggerConfig,
} from "@trigger.dev/sdk";

interface StintOptions {
  /**
   * Waits longer than this suspend the run (no process is held) and replay run() on resume: seconds (`30`), a
   * duration (`"30s"`), `0` (always suspend) or `"never"` (keep the process alive, as Trigger.dev does).
   */
  checkpointThreshold?: number | string;
}

declare module "@trigger.dev/sdk" {
  export function task<TIdentifier extends string, TOutput = unknown, TInitOutput extends InitOutput = any>(
    params: TaskOptionsWithSchema<TIdentifier, TOutput, TInitOutput> & StintOptions,
  ): Task<TIdentifier, any, TOutput>;
  export function task<
    TIdentifier extends string,
    TInput = void,
    TOutput = unknown,
    TInitOutput extends InitOutput = any,
  >(params: TaskOptions<TIdentifier, TInput, TOutput, TInitOutput> & StintOptions): Task<TIdentifier, TInput, TOutput>;
  export function schemaTask<
    TIdentifier extends string,
    TSchema extends TaskSchema | undefined = undefined,
    TOutput = unknown,
    TInitOutput extends InitOutput = any,
  >(
    params: TaskWithSchemaOptions<TIdentifier, TSchema, TOutput, TInitOutput> & StintOptions,
  ): TaskWithSchema<TIdentifier, TSchema, TOutput>;
  export function defineConfig(config: TriggerConfig & StintOptions): TriggerConfig;
}
