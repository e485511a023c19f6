/** What the dispatcher schedules: one run's request for a slot, and the limits of the places it waits in. */
import type { RateLimit } from "./gcra.js";

export interface Demand {
  runId: string;
  organizationId: string;
  environmentId: string;
  queue: string;
  /** The run's `concurrencyKey` ("" for none). */
  concurrencyKey: string;
  /** When the run asked (ms since epoch). */
  requestedAt: number;
  /** Trigger.dev's priority: seconds the run is treated as having asked earlier. */
  prioritySeconds?: number;
}

/** Limits and weights of one level; absent means no cap and weight 1. */
export interface LevelSettings {
  /** Hard cap on runs executing at once. */
  concurrencyLimit?: number;
  /** Share against siblings under Deficit Round Robin (default 1). */
  weight?: number;
}

export interface EnvironmentSettings extends LevelSettings {
  /** Trigger.dev's burst factor: the environment may run up to floor(limit × burstFactor) at once (default 1). */
  burstFactor?: number;
  /**
   * The pool of workers its attempts run on (a worker group's task queue), capped by their connected capacity;
   * none (development sessions): no capacity cap.
   */
  pool?: string;
}

export interface QueueSettings extends LevelSettings {
  /**
   * Cap per concurrency key. Unset: each key gets its own copy of `concurrencyLimit` (Trigger.dev's semantics). Set:
   * each key gets this, and `concurrencyLimit` caps the queue's keys together.
   */
  concurrencyLimitPerKey?: number;
  rateLimit?: RateLimit;
  /** Rate limit applied to each concurrency key separately. */
  rateLimitPerKey?: RateLimit;
  paused?: boolean;
}

/** Where the dispatcher reads each level's settings (kept current by the caller). */
export interface SchedulerSettings {
  organization(organizationId: string): LevelSettings;
  environment(environmentId: string): EnvironmentSettings;
  queue(environmentId: string, queue: string): QueueSettings;
  /** Runs the connected workers of a pool can execute at once (undefined: no cap, 0: none may start). */
  capacity(pool: string): number | undefined;
}
