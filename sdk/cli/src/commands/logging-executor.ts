/** The in-process executor, printing each attempt and each task log line the way `trigger dev` does. */
import { InProcessExecutor, type AttemptExecutor, type AttemptJob, type LogSink } from "@stint/temporal-workers";

const time = () => new Date().toISOString().slice(11, 19);

export class LoggingExecutor implements AttemptExecutor {
  private readonly inner: InProcessExecutor;

  /** `forward` also receives every log line (a webapp session ships them to the dashboard). */
  constructor(forward?: LogSink) {
    this.inner = new InProcessExecutor({
      logSink: (entry) => {
        console.log(`[${time()}] ${entry.runId} ${entry.level.toUpperCase().padEnd(5)} ${entry.message}${entry.attributes ? ` ${JSON.stringify(entry.attributes)}` : ""}`);
        forward?.(entry);
      },
    });
  }

  hasTask(taskId: string): boolean {
    return this.inner.hasTask(taskId);
  }

  async execute(job: AttemptJob) {
    const { info } = job;
    const label = `${info.item.task} ${info.runId} attempt ${info.attemptNumber}${info.isReplay ? " (replay)" : ""}`;
    console.log(`[${time()}] ▶ ${label}`);
    const result = await this.inner.execute(job);
    const summary =
      result.kind === "success"
        ? "✔ completed"
        : result.kind === "suspended"
          ? `⏸ suspended at waitpoint #${result.seq}`
          : `✖ ${result.status.toLowerCase()}: ${result.error.message}${result.retryDelayMs !== undefined ? ` (retrying in ${result.retryDelayMs} ms)` : ""}`;
    console.log(`[${time()}] ${summary} ${label} (${result.computeMs} ms)`);
    return result;
  }
}
