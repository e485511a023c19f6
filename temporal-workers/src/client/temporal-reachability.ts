/**
 * Whether Temporal answers, asked every couple of seconds, with one call-back when it stops answering and one when it
 * answers again: the owner prints one line for each instead of the SDK's warning per failed poll. HTTP handlers read
 * `reachable` to fail fast (a 503 at once) instead of waiting out the client's retries.
 */
import type { Connection } from "@temporalio/client";

export interface TemporalReachabilityOptions {
  /** Between probes; default 2 s. */
  intervalMs?: number;
  /** A probe that takes longer fails; default 5 s (a loaded machine can take seconds to answer). */
  timeoutMs?: number;
  /** Failed probes in a row before Temporal counts as lost (one slow answer is not an outage); default 2. */
  failuresToLose?: number;
  /** `reason` says in a few words why (no answer in time, connection refused…). */
  onLost?: (reason: string, error: Error) => void;
  onBack?: () => void;
}

export class TemporalReachability {
  private state = true;
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<boolean> | undefined;
  private since = Date.now();
  private failures = 0;

  constructor(
    /** The connection to probe now (a getter: its owner may replace it with one to a new address). */
    private readonly connection: () => Connection,
    private readonly options: TemporalReachabilityOptions = {},
  ) {}

  get reachable(): boolean {
    return this.state;
  }

  /** When the current state began. */
  get changedAt(): Date {
    return new Date(this.since);
  }

  start(): this {
    const tick = () => {
      void this.probe().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs ?? 2_000).unref();
      });
    };
    this.timer = setTimeout(tick, this.options.intervalMs ?? 2_000).unref();
    return this;
  }

  /** Stops probing; resolves once a probe under way has ended (so its connection can be closed after). */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.probing?.catch(() => undefined);
  }

  /** Probes now (one probe at a time) and returns whether Temporal answered. */
  probe(): Promise<boolean> {
    this.probing ??= this.check().finally(() => (this.probing = undefined));
    return this.probing;
  }

  /** A call just failed for want of Temporal: probe now rather than at the next tick (it still takes two failures). */
  suspect(): void {
    if (this.state) void this.probe();
  }

  private async check(): Promise<boolean> {
    const connection = this.connection();
    try {
      await connection.withDeadline(Date.now() + (this.options.timeoutMs ?? 5_000), () =>
        connection.workflowService.getSystemInfo({}),
      );
      this.failures = 0;
      this.set(true);
    } catch (error) {
      this.failures += 1;
      if (this.failures >= (this.options.failuresToLose ?? 2)) this.set(false, error as Error);
    }
    return this.state;
  }

  private set(reachable: boolean, error?: Error): void {
    if (reachable === this.state) return;
    this.state = reachable;
    this.since = Date.now();
    if (reachable) this.options.onBack?.();
    else this.options.onLost?.(describeConnectionError(error!, this.options.timeoutMs ?? 5_000), error!);
  }
}

/** A probe's failure in a few words (gRPC messages carry load-balancer details nobody needs in a status line). */
export function describeConnectionError(error: Error, timeoutMs: number): string {
  const code = (error as { code?: number }).code ?? (error as { cause?: { code?: number } }).cause?.code;
  if (code === 4) return `no answer within ${timeoutMs / 1000} s`;
  const text = `${error.message} ${(error as { cause?: Error }).cause?.message ?? ""}`;
  if (/ECONNREFUSED|Connection refused/i.test(text)) return "connection refused";
  if (code === 14) return "unavailable";
  return text.split("\n")[0]!.slice(0, 120);
}

/**
 * gRPC options for clients that must notice a restarted server quickly: grpc-js otherwise backs off reconnecting up
 * to two minutes, so a server back after a 40 s outage could stay "unreachable" for another minute.
 */
export const RECONNECT_CHANNEL_ARGS = {
  "grpc.initial_reconnect_backoff_ms": 250,
  "grpc.max_reconnect_backoff_ms": 2_000,
} as const;
