/** The in-process executor, printing each attempt and each task log line the way `trigger dev` does. */
import { InProcessExecutor, type AttemptExecutor, type AttemptJob, type LogSink } from "@stint/temporal-workers";
import { AttemptPrinter } from "./attempt-printer.js";

export class LoggingExecutor implements AttemptExecutor {
  private readonly inner: InProcessExecutor;

  /** `forward` also receives every log line (a webapp session ships them to the dashboard). */
  constructor(forward?: LogSink, private readonly printer = new AttemptPrinter()) {
    this.inner = new InProcessExecutor({
      logSink: (entry) => {
        printer.logLine(entry);
        forward?.(entry);
      },
    });
  }

  hasTask(taskId: string): boolean {
    return this.inner.hasTask(taskId);
  }

  async execute(job: AttemptJob): ReturnType<AttemptExecutor["execute"]> {
    this.printer.started(job.info);
    const result = await this.inner.execute(job);
    this.printer.finished(job.info, result);
    return result;
  }
}
