/**
 * The dispatcher's settings: each queue's declared limit, override and pause (what the per-queue gates used to
 * hold), each environment's limit and burst factor and its organisation, each organisation's limit and weight.
 * Read by the FairScheduler at every admission, so lookups are map reads.
 */
import type { EnvironmentSettings, LevelSettings, QueueSettings, SchedulerSettings } from "./demand.js";
import type { StoredQueueSettings } from "./lease-store.js";
import type { RateLimit } from "./gcra.js";
import {
  DEFAULT_QUEUE_CONCURRENCY_LIMIT,
  effectiveLimit,
  periodMs,
  type QueueConfiguration,
  type QueueGateKey,
  type QueueKeyShare,
  type QueueSnapshot,
  type RateLimitSetting,
} from "../shared/queue-gate.js";

/** Environments the caller did not describe belong to this organisation. */
export const DEFAULT_ORGANIZATION = "default";

export interface EnvironmentLimits extends EnvironmentSettings {
  organizationId?: string;
}

/** An organisation's limit (null: none) and weight. */
export interface OrganizationLimits extends Omit<LevelSettings, "concurrencyLimit"> {
  concurrencyLimit?: number | null;
}

const keyOf = (environmentId: string, queue: string) => `${environmentId}\u0000${queue}`;

function rateOf(setting: RateLimitSetting | null | undefined): RateLimit | undefined {
  const ms = setting ? periodMs(setting.period) : undefined;
  return setting && ms ? { limit: setting.limit, periodMs: ms, burst: setting.burst } : undefined;
}

/** What the scheduler reads for a queue: only a declared or overridden limit caps it (the environment caps the rest). */
function resolve(stored: StoredQueueSettings): QueueSettings {
  const limit = stored.overrideLimit ?? stored.declaredLimit;
  return {
    concurrencyLimit: limit ?? undefined,
    paused: stored.paused,
    concurrencyLimitPerKey: stored.concurrencyLimitPerKey ?? undefined,
    rateLimit: rateOf(stored.rateLimit),
    rateLimitPerKey: rateOf(stored.rateLimitPerKey),
  };
}

export function emptyQueueSettings(key: QueueGateKey, defaultLimit: number): StoredQueueSettings {
  return {
    environmentId: key.environmentId,
    queue: key.queue,
    declaredLimit: null,
    overrideLimit: null,
    overriddenAt: null,
    defaultLimit,
    paused: false,
    concurrencyLimitPerKey: null,
    rateLimit: null,
    rateLimitPerKey: null,
  };
}

/** A queue's settings after a change (pure: the dispatcher and processes without it apply changes the same way). */
export function applyQueueConfiguration(
  before: StoredQueueSettings,
  change: QueueConfiguration,
  now: number,
): { next: StoredQueueSettings; changed: boolean } {
  const next: StoredQueueSettings = { ...before };
  if (change.paused !== undefined) next.paused = change.paused;
  if (change.declaredLimit !== undefined) next.declaredLimit = change.declaredLimit;
  if (change.defaultLimit !== undefined) next.defaultLimit = change.defaultLimit;
  if (change.overrideLimit !== undefined) {
    next.overrideLimit = change.overrideLimit;
    next.overriddenAt = change.overrideLimit === null ? null : new Date(now).toISOString();
  }
  if (change.concurrencyLimitPerKey !== undefined) next.concurrencyLimitPerKey = change.concurrencyLimitPerKey;
  if (change.rateLimit !== undefined) next.rateLimit = change.rateLimit;
  if (change.rateLimitPerKey !== undefined) next.rateLimitPerKey = change.rateLimitPerKey;
  const changed = (Object.keys(next) as (keyof StoredQueueSettings)[]).some(
    (field) => JSON.stringify(next[field] ?? null) !== JSON.stringify(before[field] ?? null),
  );
  return { next, changed };
}

/** A queue's figures as callers see them (the limit in force, the settings, the live counts). */
export function queueSnapshot(
  settings: StoredQueueSettings,
  running: number,
  queued: number,
  keys: QueueKeyShare[],
): QueueSnapshot {
  return {
    environmentId: settings.environmentId,
    queue: settings.queue,
    running,
    queued,
    paused: settings.paused,
    limit: effectiveLimit(settings),
    declaredLimit: settings.declaredLimit,
    overrideLimit: settings.overrideLimit,
    overriddenAt: settings.overriddenAt,
    concurrencyLimitPerKey: settings.concurrencyLimitPerKey ?? null,
    rateLimit: settings.rateLimit ?? null,
    rateLimitPerKey: settings.rateLimitPerKey ?? null,
    keys,
  };
}

export class DispatchSettings implements SchedulerSettings {
  private readonly queues = new Map<string, StoredQueueSettings>();
  private readonly resolved = new Map<string, QueueSettings>();
  private readonly environments = new Map<string, EnvironmentLimits>();
  private readonly organizations = new Map<string, LevelSettings>();
  private readonly capacities = new Map<string, number>();

  constructor(private readonly defaultQueueLimit = DEFAULT_QUEUE_CONCURRENCY_LIMIT) {}

  organization(organizationId: string): LevelSettings {
    return this.organizations.get(organizationId) ?? {};
  }

  environment(environmentId: string): EnvironmentSettings {
    return this.environments.get(environmentId) ?? {};
  }

  /**
   * Only a declared or overridden limit caps a queue (as with the gates, whose queues without one were not gated);
   * the environment's limit caps the rest.
   */
  queue(environmentId: string, queue: string): QueueSettings {
    return this.resolved.get(keyOf(environmentId, queue)) ?? {};
  }

  capacity(pool: string): number | undefined {
    return this.capacities.get(pool);
  }

  /** A pool's connected capacity (undefined: no cap); true if more runs may start than before. */
  setCapacity(pool: string, capacity: number | undefined): boolean {
    const before = this.capacities.get(pool);
    if (capacity === undefined) this.capacities.delete(pool);
    else this.capacities.set(pool, capacity);
    return capacity === undefined ? before !== undefined : before !== undefined && capacity > before;
  }

  knowsEnvironment(environmentId: string): boolean {
    return this.environments.has(environmentId);
  }

  /**
   * `fix`: for a run being scheduled — from then on the environment's organisation stays what it is, so runs
   * already scheduled under it stay counted there.
   */
  organizationOf(environmentId: string, fix = false): string {
    const known = this.environments.get(environmentId);
    if (known?.organizationId !== undefined) return known.organizationId;
    if (fix) this.environments.set(environmentId, { ...known, organizationId: DEFAULT_ORGANIZATION });
    return DEFAULT_ORGANIZATION;
  }

  /** Limits change at any time; the organisation only until the environment's first run (see organizationOf). */
  setEnvironment(environmentId: string, limits: EnvironmentLimits): void {
    const known = this.environments.get(environmentId);
    const organizationId = known?.organizationId ?? limits.organizationId;
    this.environments.set(environmentId, { ...known, ...limits, ...(organizationId ? { organizationId } : {}) });
  }

  setOrganization(organizationId: string, settings: OrganizationLimits): void {
    const next: LevelSettings = { ...this.organizations.get(organizationId) };
    if (settings.concurrencyLimit !== undefined) next.concurrencyLimit = settings.concurrencyLimit ?? undefined;
    if (settings.weight !== undefined) next.weight = settings.weight;
    this.organizations.set(organizationId, next);
  }

  restoreQueue(settings: StoredQueueSettings): void {
    const key = keyOf(settings.environmentId, settings.queue);
    this.queues.set(key, { ...settings });
    this.resolved.set(key, resolve(settings));
  }

  queueSettings(key: QueueGateKey): StoredQueueSettings {
    return this.queues.get(keyOf(key.environmentId, key.queue)) ?? emptyQueueSettings(key, this.defaultQueueLimit);
  }

  hasQueue(key: QueueGateKey): boolean {
    return this.queues.has(keyOf(key.environmentId, key.queue));
  }

  snapshot(key: QueueGateKey, running: number, queued: number, keys: QueueKeyShare[] = []): QueueSnapshot {
    return queueSnapshot(this.queueSettings(key), running, queued, keys);
  }
}
