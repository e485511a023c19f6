/** Sets how much the Temporal SDK logs in this process (once per process; later calls are ignored). */
import { DefaultLogger, Runtime, type LogLevel } from "@temporalio/worker";

export function installRuntimeLogger(level: LogLevel): void {
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed in this process: keep the first choice.
  }
}
