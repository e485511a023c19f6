/** defineConfig for trigger.config.ts, with Trigger v4's fields plus Stint's checkpointThreshold. */
import type { RetryOptions } from "./core/retry.js";
import type { MachinePresetName, TaskHooks } from "./tasks/definition.js";

export interface StintConfig {
  project: string;
  runtime?: "node" | "node-22" | "node-24" | "node-26" | "bun";
  dirs?: string[];
  ignorePatterns?: string[];
  tsconfig?: string;
  /** Default maximum compute seconds of a run. */
  maxDuration: number;
  ttl?: string | number;
  retries?: { enabledInDev?: boolean; default?: RetryOptions };
  machine?: MachinePresetName;
  logLevel?: "log" | "error" | "warn" | "info" | "debug";
  enableConsoleLogging?: boolean;
  disableConsoleInterceptor?: boolean;
  processKeepAlive?: boolean | { enabled: boolean; maxExecutionsPerProcess?: number; devMaxPoolSize?: number };
  telemetry?: Record<string, unknown>;
  build?: {
    extensions?: unknown[];
    external?: string[];
    autoDetectExternal?: boolean;
    conditions?: string[];
    keepNames?: boolean;
    minify?: boolean;
    jsx?: unknown;
  };
  deploy?: { env?: Record<string, string> };
  compatibilityFlags?: string[];
  init?: TaskHooks<any, any>["init"];
  onStart?: TaskHooks<any, any>["onStartAttempt"];
  onSuccess?: TaskHooks<any, any>["onSuccess"];
  onFailure?: TaskHooks<any, any>["onFailure"];
  /** Stint: how long a wait may hold an attempt's process before the run suspends (seconds, "30s", or "never"). */
  checkpointThreshold?: string | number;
  /**
   * Stint: the network of deployed runs' containers on worker servers. `"none"` (the default): no network at all,
   * only loopback; `"host"`: the worker server's network (to reach databases and APIs). See docs/workers.md.
   */
  network?: "none" | "host";
}

export type TriggerConfig = StintConfig;

export function defineConfig(config: StintConfig): StintConfig {
  return config;
}
