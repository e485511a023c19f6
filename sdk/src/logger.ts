/** logger.*: structured logs attached to the current run, printed to the console outside runs. */
import { currentRunRuntime } from "./runtime/globals.js";
import { toJsonSafe } from "./core/json-safe.js";
import type { LogLevel } from "./runtime/types.js";

function log(level: LogLevel, message: string, attributes?: Record<string, unknown>): void {
  const runtime = currentRunRuntime();
  // Log attributes are JSON wherever they go (terminal, webapp, OTel): a BigInt or a cycle must not lose the line.
  if (runtime) runtime.log(level, message, attributes && (toJsonSafe(attributes) as Record<string, unknown>));
  else (level === "log" ? console.log : console[level])(message, attributes ?? "");
}

export const logger = {
  debug: (message: string, attributes?: Record<string, unknown>) => log("debug", message, attributes),
  log: (message: string, attributes?: Record<string, unknown>) => log("log", message, attributes),
  info: (message: string, attributes?: Record<string, unknown>) => log("info", message, attributes),
  warn: (message: string, attributes?: Record<string, unknown>) => log("warn", message, attributes),
  error: (message: string, attributes?: Record<string, unknown>) => log("error", message, attributes),
  trace: async <T>(
    name: string,
    fn: (span: { setAttribute(key: string, value: unknown): void }) => Promise<T>,
  ): Promise<T> => {
    const started = Date.now();
    const attributes: Record<string, unknown> = {};
    try {
      return await fn({ setAttribute: (key, value) => (attributes[key] = value) });
    } finally {
      log("debug", name, { ...attributes, durationMs: Date.now() - started });
    }
  },
};
export type { LogLevel };
