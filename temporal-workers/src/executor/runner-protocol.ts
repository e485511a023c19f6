/**
 * The runner protocol: messages between an executor (the parent, which holds the attempt's Temporal-side channel)
 * and a runner process (which loads a bundle version and runs attempts of it). Transport-agnostic: any ordered
 * message pipe that carries structured-clone values works (Node IPC today; a container's stdio later).
 *
 * A runner loads one bundle version, then runs at most one attempt execution, then is stopped: code of one run never
 * shares a process with another's, and a cancel, a timeout or a crash ends exactly one execution.
 */
import { z } from "zod";
import type { DeclaredQueue, SerializedError } from "@stint/sdk/runtime";
import type { AttemptStartInfo } from "../shared/run-types.js";

/** One build of a project: what a runner imports to get its tasks. */
export interface RunnerBundle {
  /** Content id of the build; a run is locked to the version its first execution ran. */
  version: string;
  /** Task files as built (absolute paths) and the project-relative source each came from. */
  entries: Array<{ file: string; source: string }>;
  /** The project's built trigger.config (its hooks and defaults apply to every task). */
  configFile?: string;
}

/** Retry settings a task runs with (task options over the config's defaults), for attempts whose process died. */
export interface ManifestRetry {
  maxAttempts?: number;
  factor?: number;
  minTimeoutInMs?: number;
  maxTimeoutInMs?: number;
  randomize?: boolean;
  /** Retry an attempt that ran out of memory on this machine preset. */
  outOfMemory?: { machine?: string };
}

export interface ManifestTask {
  id: string;
  filePath: string;
  exportName?: string;
  maxDuration?: number;
  retry: ManifestRetry;
  schedule?: { cron: string; timezone?: string };
  /** The queue the task's runs use unless a trigger names another (`task/<id>` when it declares none). */
  queue?: string;
  /** Its machine preset (the task's, else the config's default); absent: Trigger.dev's default, small-1x. */
  machine?: string;
}

/** What a runner found in a bundle: the tasks, queues and schedules the project declares. */
export interface BundleManifest {
  version: string;
  tasks: ManifestTask[];
  queues: DeclaredQueue[];
  /** The config's maxDuration (seconds), the default for tasks without their own. */
  maxDuration?: number;
  /** The config's network for deployed runs' containers (absent: none). */
  network?: "none" | "host";
  /** Task files that threw while loading (their tasks are left out; the others register). */
  loadErrors?: Array<{ file: string; error: SerializedError }>;
  /** Task ids defined more than once, with the file of each definition (the last one is in `tasks`). */
  taskIdClashes?: Array<{ id: string; files: string[] }>;
  /**
   * The config's `processKeepAlive`, when enabled: a runner serves up to `maxExecutionsPerProcess` executions one
   * after another, and up to `devMaxPoolSize` idle runners are kept for the next ones.
   */
  processKeepAlive?: ProcessKeepAlive;
}

export interface ProcessKeepAlive {
  maxExecutionsPerProcess: number;
  devMaxPoolSize: number;
}

export type ChannelMethod = "durableCall" | "awaitWaitpoint" | "sendMetadata" | "addTags";
/** ClientRuntime methods task code may call (management calls inside run()), answered by the parent's engine. */
export const CLIENT_METHODS = [
  "trigger",
  "batchTrigger",
  "retrieveRun",
  "listRuns",
  "cancelRun",
  "replayRun",
  "rescheduleRun",
  "updateMetadata",
  "addTags",
  "createToken",
  "completeToken",
  "retrieveToken",
  "listTokens",
  "resetIdempotencyKey",
  "retrieveBatch",
] as const;
export type ClientMethod = (typeof CLIENT_METHODS)[number];

/** Parent → runner. */
export type ToRunner =
  | { type: "load"; bundle: RunnerBundle }
  /**
   * `clientRuntime`: the parent answers task code's management calls (it has an engine client). `apiRelay`: the
   * parent sends task code's REST API requests to the webapp for the run's environment (a worker server's supervisor).
   */
  | { type: "execute"; info: AttemptStartInfo; clientRuntime: boolean; apiRelay?: boolean }
  | { type: "cancel" }
  | { type: "reply"; id: number; ok: true; value: unknown }
  | { type: "reply"; id: number; ok: false; error: SerializedError };

const serializedError = z.object({ name: z.string(), message: z.string(), stack: z.string().optional() });

const resultSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("success"), output: z.unknown(), computeMs: z.number() }),
  z.object({
    kind: z.literal("failure"),
    error: serializedError,
    status: z.enum(["FAILED", "TIMED_OUT"]),
    retryDelayMs: z.number().optional(),
    computeMs: z.number(),
  }),
  z.object({ kind: z.literal("suspended"), seq: z.number().int().positive(), computeMs: z.number() }),
]);

const manifestSchema = z.object({
  version: z.string(),
  tasks: z.array(
    z.object({
      id: z.string(),
      filePath: z.string(),
      exportName: z.string().optional(),
      maxDuration: z.number().optional(),
      retry: z.object({
        maxAttempts: z.number().optional(),
        factor: z.number().optional(),
        minTimeoutInMs: z.number().optional(),
        maxTimeoutInMs: z.number().optional(),
        randomize: z.boolean().optional(),
        outOfMemory: z.object({ machine: z.string().optional() }).optional(),
      }),
      schedule: z.object({ cron: z.string(), timezone: z.string().optional() }).optional(),
      queue: z.string().optional(),
      machine: z.string().optional(),
    }),
  ),
  queues: z.array(
    z.object({
      name: z.string(),
      type: z.enum(["task", "custom"]),
      concurrencyLimit: z.number().nullable(),
      tasks: z.array(z.string()),
    }),
  ),
  maxDuration: z.number().optional(),
  network: z.enum(["none", "host"]).optional(),
  loadErrors: z.array(z.object({ file: z.string(), error: serializedError })).optional(),
  taskIdClashes: z.array(z.object({ id: z.string(), files: z.array(z.string()) })).optional(),
  processKeepAlive: z
    .object({ maxExecutionsPerProcess: z.number().int().positive(), devMaxPoolSize: z.number().int().nonnegative() })
    .optional(),
});

/** Headers of a relayed request the webapp reads; the relay sets the authorization itself. */
const RELAYED_HEADERS = ["content-type", "accept", "timeout-seconds", "last-event-id"] as const;

/**
 * A REST API request task code asks its parent to relay: only the API's routes for an environment (`/api/`,
 * `/engine/`, `/realtime/`), never the worker API the relay's own credential opens.
 */
export const apiRelayRequestSchema = z.object({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"], { message: "method: GET, POST, PUT, PATCH or DELETE" }),
  path: z
    .string()
    .max(8192, "path: at most 8192 characters")
    .regex(
      /^\/(api|engine|realtime)\/[^\s#]*$/,
      "path: a path of the webapp's REST API (/api/…, /engine/…, /realtime/…)",
    )
    .refine((path) => !/^\/api\/v\d+\/worker(\/|\?|$)/i.test(path), "path: the worker API cannot be relayed")
    .refine((path) => !/(^|\/)\.\.?(\/|\?|$)|%2e|%2f/i.test(path), "path: no dot segments or encoded slashes"),
  headers: z
    .record(z.string().max(1024))
    .transform((headers) =>
      Object.fromEntries(
        Object.entries(headers).filter(([name]) => (RELAYED_HEADERS as readonly string[]).includes(name.toLowerCase())),
      ),
    ),
  body: z
    .string()
    .max(16 * 1024 * 1024, "body: at most 16 MB")
    .optional(),
});
export type ApiRelayCall = z.infer<typeof apiRelayRequestSchema>;

/**
 * How a supervisor's relayed request names the run it acts for, next to its worker token (the webapp checks the run
 * executes in an environment of the token's group before it answers for that environment).
 */
export const API_RELAY_HEADERS = {
  run: "x-stint-relay-run",
  environment: "x-stint-relay-environment",
  server: "x-stint-relay-server",
} as const;

/** A runner's call to its parent: the channel's durable calls, the client runtime or the API relay. */
const callSchema = z.discriminatedUnion("target", [
  z.object({
    type: z.literal("call"),
    id: z.number().int(),
    target: z.literal("channel"),
    method: z.enum(["durableCall", "awaitWaitpoint", "sendMetadata", "addTags"]),
    args: z.array(z.unknown()),
  }),
  z.object({
    type: z.literal("call"),
    id: z.number().int(),
    target: z.literal("client"),
    method: z.enum(CLIENT_METHODS),
    args: z.array(z.unknown()),
  }),
  z.object({
    type: z.literal("call"),
    id: z.number().int(),
    target: z.literal("api"),
    method: z.literal("request"),
    // Checked with apiRelayRequestSchema when answered: a bad request gets a 400, not a stopped runner.
    args: z.array(z.unknown()),
  }),
]);

/**
 * Runner → parent, validated: a runner runs user code, so the parent trusts nothing it sends. Told apart by `type`
 * first: a plain union would build an error for every option tried before the one that fits (a result is the last).
 */
export const fromRunnerSchema = z.union([
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("loaded"), manifest: manifestSchema }),
    z.object({ type: z.literal("load-failed"), error: serializedError }),
    z.object({ type: z.literal("result"), result: resultSchema }),
    z.object({
      type: z.literal("log"),
      entry: z.object({
        runId: z.string(),
        attempt: z.number(),
        level: z.enum(["debug", "log", "info", "warn", "error"]),
        message: z.string(),
        attributes: z.record(z.unknown()).optional(),
        time: z.string(),
      }),
    }),
    /** The onCancel hooks finished after a cancel: the process may be stopped. */
    z.object({ type: z.literal("cancel-done") }),
  ]),
  callSchema,
]);

export type FromRunner = z.infer<typeof fromRunnerSchema>;
