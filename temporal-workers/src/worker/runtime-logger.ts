/**
 * Sets how much the Temporal SDK logs in this process (once per process; later calls are ignored). A failed run is
 * an outcome the run itself records, not an engine fault: without `stacks`, an error in a log entry is printed as its
 * message on the entry's one line, instead of a stack per failed run.
 *
 * The SDK's native core prints its own warnings straight to the console, whatever the logger's level: while the
 * server is down every poller of every worker logs "gRPC call … retried N times" every few seconds (629 lines in
 * 40 s for one `stint dev` session). Here native logs are forwarded to the same logger, which drops those connection
 * errors: whoever owns the connection says once that Temporal is lost and once that it is back (TemporalReachability).
 */
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogEntry, type LogLevel } from "@temporalio/worker";
import { inspect } from "node:util";

const CONNECTION_TROUBLE =
  /tcp connect error|connection refused|transport error|unavailable|broken pipe|connection reset|error trying to connect|deadline ?exceeded|h2 protocol error|no connection established/i;

/** A log line that only says Temporal cannot be reached right now. */
export function isConnectionNoise(entry: Pick<LogEntry, "message" | "meta">): boolean {
  if (CONNECTION_TROUBLE.test(entry.message)) return true;
  if (!/retried \d+ times|poll|failed to connect|connection/i.test(entry.message)) return false;
  return CONNECTION_TROUBLE.test(inspect(entry.meta ?? {}, { depth: 4, breakLength: Infinity }));
}

/**
 * What the SDK says of a worker built to poll activities only (the dispatcher's, a supervisor's): by design here, so
 * it is not a warning for whoever reads the terminal.
 */
export function isExpectedWorkerShape(entry: Pick<LogEntry, "message">): boolean {
  return entry.message.startsWith("No workflows registered, not polling for workflow tasks");
}

export function installRuntimeLogger(level: LogLevel, options: { stacks?: boolean } = {}): void {
  const print = new DefaultLogger(
    level,
    options.stacks ? undefined : (entry) => process.stderr.write(`${formatRuntimeLogEntry(entry)}\n`),
  );
  const logger = new DefaultLogger(level, (entry) => {
    if (!isConnectionNoise(entry) && !isExpectedWorkerShape(entry)) print.log(entry.level, entry.message, entry.meta);
  });
  try {
    Runtime.install({
      logger,
      telemetryOptions: {
        logging: {
          filter: makeTelemetryFilterString({ core: level === "ERROR" ? "ERROR" : "WARN", other: "ERROR" }),
          forward: {},
        },
      },
    });
  } catch {
    // Already installed in this process: keep the first choice.
  }
}

/** One line: time, level, message, and the entry's details with any error reduced to `Name: message`. */
export function formatRuntimeLogEntry(entry: LogEntry): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const details = Object.entries(entry.meta ?? {})
    .filter(([key]) => key !== "sdkComponent")
    .map(
      ([key, value]) =>
        `${key}=${value instanceof Error ? JSON.stringify(`${value.name}: ${value.message.split("\n")[0]}`) : inspect(value, { breakLength: Infinity, depth: 2 })}`,
    );
  return `${time} [${entry.level}] ${entry.message}${details.length ? ` ${details.join(" ")}` : ""}`;
}
