/**
 * A rate limit as the Generic Cell Rate Algorithm: `limit` admissions per `periodMs`, with up to `burst` at once.
 * One number of state (the theoretical arrival time), no timers: Inngest throttles so; Trigger.dev has no rate limits.
 */
export interface RateLimit {
  limit: number;
  periodMs: number;
  /** How many may be admitted back to back after a quiet spell (default 1: evenly spaced). */
  burst?: number;
}

export class Gcra {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private theoreticalArrival = 0;

  constructor(readonly rate: RateLimit) {
    this.intervalMs = rate.periodMs / rate.limit;
    this.toleranceMs = this.intervalMs * (Math.max(1, rate.burst ?? 1) - 1);
  }

  /** Whether an admission at `now` keeps to the rate (does not take it). */
  allows(now: number): boolean {
    return Math.max(this.theoreticalArrival, now) - now <= this.toleranceMs;
  }

  /** When the next admission keeps to the rate. */
  nextAllowedAt(now: number): number {
    return Math.max(now, Math.max(this.theoreticalArrival, now) - this.toleranceMs);
  }

  /** Takes one admission at `now` (call after `allows`). */
  take(now: number): void {
    this.theoreticalArrival = Math.max(this.theoreticalArrival, now) + this.intervalMs;
  }
}
