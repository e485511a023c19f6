/**
 * Whether the webapp can reach Temporal right now, and deadlines for the Temporal calls an HTTP request makes.
 *
 * Without a deadline the Temporal client retries an unreachable server for about 20 s per call (a read that makes
 * several calls took up to 111 s to fail); with one, a request answers a clear 503 within seconds. While Temporal is
 * known to be unreachable the deadline is short, so requests fail fast instead of each waiting out the retries.
 */
import type { Connection } from "@temporalio/client";
import { TemporalReachability } from "@stint/temporal-workers";

/** Reads: the longest a request waits for Temporal (past it, a 503 the SDK retries: a busy worker may answer then). */
const READ_DEADLINE_MS = 5_000;
/** Writes may start work on Temporal (batches): more time, so a slow server is not cut off half-way. */
const WRITE_DEADLINE_MS = 30_000;
/** While Temporal is unreachable: one quick try (it may just be back), then a 503. */
const UNREACHABLE_DEADLINE_MS = 1_000;
/** What a client should wait before trying again (the Retry-After header of a 503). */
export const ENGINE_RETRY_AFTER_SECONDS = 5;

export class EngineHealth {
  private readonly reachability: TemporalReachability;

  constructor(
    private readonly connection: Connection,
    readonly address: string,
    log: (line: string) => void,
  ) {
    this.reachability = new TemporalReachability(() => connection, {
      onLost: (reason) =>
        log(`[webapp] lost Temporal at ${address} (${reason}); reconnecting — reads answer 503 until it is back`),
      onBack: () => log(`[webapp] Temporal at ${address} is back`),
    });
  }

  get reachable(): boolean {
    return this.reachability.reachable;
  }

  /** Since when Temporal has been unreachable (undefined while it is reachable). */
  get unreachableSince(): Date | undefined {
    return this.reachable ? undefined : this.reachability.changedAt;
  }

  start(): void {
    this.reachability.start();
  }

  stop(): Promise<void> {
    return this.reachability.stop();
  }

  /** A call failed for want of Temporal: check now, so the next requests fail fast. */
  suspect(): void {
    this.reachability.suspect();
  }

  /**
   * Runs an HTTP request's handler with a deadline on every Temporal call it makes. `writeBudgetMs`: for the few writes
   * that may take longer (a dev session declaring hundreds of queues); an unreachable Temporal still fails fast.
   */
  withRequestDeadline<T>(method: string, handler: () => Promise<T>, writeBudgetMs = WRITE_DEADLINE_MS): Promise<T> {
    const budget = !this.reachable
      ? UNREACHABLE_DEADLINE_MS
      : method === "GET" || method === "HEAD"
        ? READ_DEADLINE_MS
        : writeBudgetMs;
    return this.connection.withDeadline(Date.now() + budget, handler);
  }

  describe(): { address: string; reachable: boolean; unreachableSince?: string } {
    return { address: this.address, reachable: this.reachable, unreachableSince: this.unreachableSince?.toISOString() };
  }
}
