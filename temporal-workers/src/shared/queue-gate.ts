/**
 * Queue gates: one long-lived workflow per (environment, queue) admits runs' executions up to the queue's concurrency
 * limit (per concurrency key: each key gets its own copy of the limit), in priority order, and holds them while the
 * queue is paused. Plain JSON types shared by the gate workflow, the run workflow and client code.
 */

/** Limit of a queue that declares none (Trigger: a queue without a limit gets the environment's). */
export const DEFAULT_QUEUE_CONCURRENCY_LIMIT = 100;

export interface QueueGateKey {
  environmentId: string;
  /** Trigger's queue name: `task/<taskId>` for a task's own queue, or the name given to `queue({ name })`. */
  queue: string;
}

/**
 * Gates run on their own task queue (and worker): a run's workflow task waits for its gate's answer, so if gates
 * shared the runs' workflow task slots, a burst of runs could hold every slot while their gate waits for one.
 */
export function gateTaskQueue(workflowTaskQueue: string): string {
  return `${workflowTaskQueue}-gates`;
}

export function queueGateId({ environmentId, queue }: QueueGateKey): string {
  return `queue:${environmentId}:${queue}`;
}

/** The slot a run holds; `key` is its concurrency key ("" for none): each key gets its own copy of the limit. */
export interface SlotHolder {
  runId: string;
  key: string;
}

export interface WaitingRun extends SlotHolder {
  /** Order of admission: enqueue time minus the run's priority offset (smaller goes first). */
  rank: number;
}

export interface QueueGateState extends QueueGateKey {
  /** Limit declared in code (`queue({ concurrencyLimit })` or a task's `queue.concurrencyLimit`). */
  declaredLimit: number | null;
  /** Limit set through the API or dashboard; wins over the declared one until reset. */
  overrideLimit: number | null;
  overriddenAt: string | null;
  /** Environment default, used when neither of the above is set. */
  defaultLimit: number;
  paused: boolean;
  holders: SlotHolder[];
  waiting: WaitingRun[];
}

export interface QueueSnapshot extends QueueGateKey {
  running: number;
  queued: number;
  paused: boolean;
  /** The limit in force. */
  limit: number;
  declaredLimit: number | null;
  overrideLimit: number | null;
  overriddenAt: string | null;
  /** The dispatcher's per-key settings and rate limits (absent from a gate's answer). */
  concurrencyLimitPerKey?: number | null;
  rateLimit?: RateLimitSetting | null;
  rateLimitPerKey?: RateLimitSetting | null;
  /** Running and waiting runs per concurrency key, busiest first (the dispatcher's; at most 50). */
  keys?: QueueKeyShare[];
}

/** A rate limit as users write it: `limit` admissions per `period` ("500ms", "1s", "1m", "1h", "1d"), `burst` at once. */
export interface RateLimitSetting {
  limit: number;
  period: string;
  burst?: number;
}

export interface QueueKeyShare {
  concurrencyKey: string;
  running: number;
  waiting: number;
}

const PERIOD_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A rate limit's period in ms, or undefined if it is not spelled like "500ms", "1s", "1.5m", "1h" or "1d". */
export function periodMs(period: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(period.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * PERIOD_UNITS[match[2]!]!;
  return ms > 0 ? ms : undefined;
}

export interface AcquireSlotRequest {
  runId: string;
  concurrencyKey?: string;
  priorityMs: number;
  /**
   * The limit the run's code declares for this queue, when a worker sent the run back to it (see AttemptRequeue):
   * the gate is asked even if the queue has no settings yet, and takes this limit if none was declared to it.
   */
  declaredLimit?: number | null;
}

/** Changes to a queue: `overrideLimit: null` resets the override. */
export interface QueueConfiguration {
  paused?: boolean;
  overrideLimit?: number | null;
  declaredLimit?: number | null;
  defaultLimit?: number;
  /** Each concurrency key's cap; set, the queue's limit caps its keys together (null: each key gets the queue's limit). */
  concurrencyLimitPerKey?: number | null;
  /** Admissions per period for the queue as a whole (null removes it). */
  rateLimit?: RateLimitSetting | null;
  /** Admissions per period for each concurrency key of the queue (null removes it). */
  rateLimitPerKey?: RateLimitSetting | null;
}

export function effectiveLimit(
  state: Pick<QueueGateState, "overrideLimit" | "declaredLimit" | "defaultLimit">,
): number {
  return state.overrideLimit ?? state.declaredLimit ?? state.defaultLimit;
}

export function snapshotOf(state: QueueGateState): QueueSnapshot {
  return {
    environmentId: state.environmentId,
    queue: state.queue,
    running: state.holders.length,
    queued: state.waiting.length,
    paused: state.paused,
    limit: effectiveLimit(state),
    declaredLimit: state.declaredLimit,
    overrideLimit: state.overrideLimit,
    overriddenAt: state.overriddenAt,
  };
}

export function initialGateState(key: QueueGateKey, defaultLimit = DEFAULT_QUEUE_CONCURRENCY_LIMIT): QueueGateState {
  return {
    ...key,
    declaredLimit: null,
    overrideLimit: null,
    overriddenAt: null,
    defaultLimit,
    paused: false,
    holders: [],
    waiting: [],
  };
}

/**
 * Whether a queue needs its gate: a limit set in code or by an override, or a pause. Runs of other queues are
 * admitted at once without a round trip to the gate (most tasks declare no limit; the environment-wide cap is the
 * fairness gate's job).
 */
export function needsGate(snapshot: Pick<QueueSnapshot, "paused" | "declaredLimit" | "overrideLimit">): boolean {
  return snapshot.paused || snapshot.declaredLimit !== null || snapshot.overrideLimit !== null;
}

/** What a run learns when it asks for a slot; `gated: false` means no slot is held (nothing to give back). */
export interface SlotAnswer {
  granted: boolean;
  gated: boolean;
}
