/**
 * Ships the logs of the runs this server executes to the webapp in batches (a run's page shows them): `logger.*`
 * lines from task code and what the runner printed. Lines are kept and retried while the webapp is unreachable, up to a
 * bound (then the oldest go, with a note in the supervisor's own log).
 */
import type { RunLogLine, WorkerApi } from "./worker-api.js";

const FLUSH_INTERVAL_MS = 500;
const MAX_BATCH = 500;
const MAX_BUFFERED = 20_000;

export class LogShipper {
  private buffered: RunLogLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dropped = 0;

  constructor(
    private readonly api: WorkerApi,
    private readonly log: (line: string) => void,
  ) {}

  push(line: RunLogLine): void {
    this.buffered.push(line);
    if (this.buffered.length > MAX_BUFFERED) {
      this.dropped += this.buffered.length - MAX_BUFFERED;
      this.buffered.splice(0, this.buffered.length - MAX_BUFFERED);
    }
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Sends what is buffered (resolves once sent or failed; failed lines stay buffered). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    this.flushing = this.send();
    await this.flushing;
  }

  private async send(): Promise<void> {
    if (this.dropped > 0) {
      this.log(`[supervisor] ${this.dropped} run log lines were dropped: the webapp was unreachable too long`);
      this.dropped = 0;
    }
    while (this.buffered.length > 0) {
      const batch = this.buffered.slice(0, MAX_BATCH);
      try {
        await this.api.sendLogs(batch);
      } catch (error) {
        this.log(`[supervisor] could not send run logs (kept, retried): ${(error as Error).message}`);
        this.timer ??= setTimeout(() => void this.flush(), 5_000);
        return;
      }
      this.buffered.splice(0, batch.length);
    }
  }
}
