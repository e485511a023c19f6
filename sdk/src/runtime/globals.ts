/**
 * Process-wide SDK state, kept on globalThis under a registered symbol so that every copy of the SDK in one
 * process (the engine's and a user bundle's) shares one task catalog, one set of global hooks and one runtime.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ClientRuntime, RunRuntime, WaitHooks } from "./types.js";
import type { TaskDefinition, GlobalHooks } from "../tasks/definition.js";

/** What task code running inside an attempt can reach: the engine's runtime plus the attempt's wait hooks. */
export interface AttemptScope {
  runtime: RunRuntime;
  /** The attempt's onWait / onResume hooks, handed to the runtime with each durable call. */
  waitHooks: WaitHooks;
  /** Work the attempt must finish before it reports its outcome (realtime stream uploads). */
  background?: Set<Promise<unknown>>;
  /** Aborted when the attempt is cancelled (`timeout.signal`, the `signal` run() gets). */
  signal?: AbortSignal;
  /** Aborted when this execution of the attempt ends: background readers (input streams) stop. */
  ended?: AbortSignal;
}
import type { StintConfig } from "../config.js";
import { configuredWebapp } from "../management-api.js";
import { restClientRuntime } from "../rest-client-runtime.js";

interface SdkGlobals {
  catalog: Map<string, TaskDefinition>;
  hooks: GlobalHooks;
  runStorage: AsyncLocalStorage<AttemptScope>;
  client?: ClientRuntime;
  config?: StintConfig;
  /** File currently being imported by a loader, so tasks learn where they were defined. */
  currentFile?: string;
  /**
   * Task ids defined more than once, with the file of each definition (the catalog keeps the last): `stint deploy`
   * refuses such a project. Optional: the globals may have been created by an older copy of the SDK.
   */
  taskIdClashes?: Map<string, string[]>;
}

const KEY = Symbol.for("stint.sdk.globals");

function createGlobals(): SdkGlobals {
  return {
    catalog: new Map(),
    hooks: {
      onStartAttempt: [],
      onSuccess: [],
      onFailure: [],
      onComplete: [],
      onWait: [],
      onResume: [],
      onCancel: [],
      catchError: [],
      middleware: [],
      init: [],
    },
    runStorage: new AsyncLocalStorage<AttemptScope>(),
  };
}

export function sdkGlobals(): SdkGlobals {
  const holder = globalThis as unknown as Record<symbol, SdkGlobals | undefined>;
  return (holder[KEY] ??= createGlobals());
}

/** The runtime of the attempt whose code is running now, if any. */
export function currentAttempt(): AttemptScope | undefined {
  return sdkGlobals().runStorage.getStore();
}

export function currentRunRuntime(): RunRuntime | undefined {
  return currentAttempt()?.runtime;
}

export function requireAttempt(api: string): AttemptScope {
  const scope = currentAttempt();
  if (!scope) throw new Error(`${api} can only be used inside a task's run() function`);
  return scope;
}

export function requireRunRuntime(api: string): RunRuntime {
  return requireAttempt(api).runtime;
}

export function setClientRuntime(client: ClientRuntime | undefined): void {
  sdkGlobals().client = client;
}

/**
 * Where management calls go: this process' engine (standalone `stint dev`, the engine's own tests), else the
 * configured webapp's REST API (task code in a webapp session or on a worker server, a backend after configure()).
 */
export function requireClientRuntime(api: string): ClientRuntime {
  const client = sdkGlobals().client;
  if (client) return client;
  if (configuredWebapp()) return restClientRuntime;
  throw new Error(
    `${api}: no Stint engine or webapp is configured in this process. Call configure({ baseURL, accessToken }) (or set TRIGGER_API_URL and TRIGGER_SECRET_KEY), or run under \`stint dev\`.`,
  );
}

/** Forgets every registered task and global hook (used when `stint dev` reloads a project). */
export function resetCatalog(): void {
  const g = sdkGlobals();
  g.catalog.clear();
  g.taskIdClashes?.clear();
  // Shared queues declared with queue(): a reload declares them again.
  (globalThis as unknown as Record<symbol, Map<string, unknown> | undefined>)[Symbol.for("stint.sdk.queues")]?.clear();
  for (const list of Object.values(g.hooks)) (list as unknown[]).length = 0;
}
