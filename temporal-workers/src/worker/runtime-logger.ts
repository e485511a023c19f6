/**
 * Sets how much the Temporal SDK logs in this process (once per process; later calls are ignored). A failed run is
 * an outcome the run itself records, not an engine fault: without `stacks`, an error in a log entry is printed as its
 * message on the entry's one line, instead of a stack per failed run.
 */
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from "@temporalio/worker";
import { inspect } from "node:util";

export function installRuntimeLogger(level: LogLevel, options: { stacks?: boolean } = {}): void {
  try {
    Runtime.install({ logger: new DefaultLogger(level, options.stacks ? undefined : (entry) => process.stderr.write(`${formatRuntimeLogEntry(entry)}\n`)) });
  } catch {
    // Already installed in this process: keep the first choice.
  }
}

/** One line: time, level, message, and the entry's details with any error reduced to `Name: message`. */
export function formatRuntimeLogEntry(entry: LogEntry): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const details = Object.entries(entry.meta ?? {})
    .filter(([key]) => key !== "sdkComponent")
    .map(([key, value]) => `${key}=${value instanceof Error ? JSON.stringify(`${value.name}: ${value.message.split("\n")[0]}`) : inspect(value, { breakLength: Infinity, depth: 2 })}`);
  return `${time} [${entry.level}] ${entry.message}${details.length ? ` ${details.join(" ")}` : ""}`;
}
