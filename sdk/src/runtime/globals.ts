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
}
import type { StintConfig } from "../config.js";

interface SdkGlobals {
  catalog: Map<string, TaskDefinition>;
  hooks: GlobalHooks;
  runStorage: AsyncLocalStorage<AttemptScope>;
  client?: ClientRuntime;
  config?: StintConfig;
  /** File currently being imported by a loader, so tasks learn where they were defined. */
  currentFile?: string;
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

export function requireClientRuntime(api: string): ClientRuntime {
  const client = sdkGlobals().client;
  if (!client) {
    throw new Error(
      `${api}: no Stint engine is configured in this process. Call configure({ baseURL, accessToken }) or run under \`stint dev\`.`,
    );
  }
  return client;
}

/** Forgets every registered task and global hook (used when `stint dev` reloads a project). */
export function resetCatalog(): void {
  const g = sdkGlobals();
  g.catalog.clear();
  // Shared queues declared with queue(): a reload declares them again.
  (globalThis as unknown as Record<symbol, Map<string, unknown> | undefined>)[Symbol.for("stint.sdk.queues")]?.clear();
  for (const list of Object.values(g.hooks)) (list as unknown[]).length = 0;
}
