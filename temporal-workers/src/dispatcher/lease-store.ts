/**
 * Where the dispatcher keeps its state durable: runs waiting for admission (demands), runs holding a slot (leases)
 * and the queues' settings. The dispatcher writes each admission round as one commit, so a store does one
 * transaction per round, not per admission. After a restart the dispatcher rebuilds its memory from `load()`.
 */
import type { Demand } from "./demand.js";
import type { EnvironmentLimits, OrganizationLimits } from "./dispatch-settings.js";
import type { QueueGateKey, QueueKeyShare, RateLimitSetting } from "../shared/queue-gate.js";

/** A run's request as the dispatcher keeps it: which execution (ticket) asked, and the limit its code declares. */
export interface StoredDemand extends Demand {
  /** Counts the run's requests; a grant names the one it answers, so a late grant for an older request is ignored. */
  ticket: number;
}

export interface StoredLease extends StoredDemand {
  /** When the lease was granted or last renewed (ms since epoch); a lease not renewed in time is checked and freed. */
  renewedAt: number;
}

/** One queue's settings (see QueueConfiguration); `overriddenAt` is an ISO time. */
export interface StoredQueueSettings {
  environmentId: string;
  queue: string;
  declaredLimit: number | null;
  overrideLimit: number | null;
  overriddenAt: string | null;
  defaultLimit: number;
  paused: boolean;
  concurrencyLimitPerKey?: number | null;
  rateLimit?: RateLimitSetting | null;
  rateLimitPerKey?: RateLimitSetting | null;
}

export interface StoredEnvironmentSettings extends EnvironmentLimits {
  environmentId: string;
}

export interface StoredOrganizationSettings extends OrganizationLimits {
  organizationId: string;
}

/** Settings saved by any process since a cursor; `cursor` is where to ask from next time. */
export interface SettingsChanges {
  queues: StoredQueueSettings[];
  environments: StoredEnvironmentSettings[];
  organizations: StoredOrganizationSettings[];
  cursor: number;
}

/** A queue's live figures as the store has them (for a process that does not run the dispatcher). */
export interface StoredQueueCounts {
  running: number;
  waiting: number;
  keys: QueueKeyShare[];
}

/** One admission round's changes, committed together. */
export interface DispatchCommit {
  /** Runs now waiting (new, or asking again). */
  waiting: StoredDemand[];
  /** Runs admitted this round (their demand, if stored, goes). */
  admitted: StoredLease[];
  /** Runs that gave their slot back or stopped waiting (their lease or demand goes). */
  released: string[];
  /** Leases confirmed alive: their `renewedAt` moves to this time. */
  renewed?: { runIds: string[]; at: number };
}

export interface DispatchSnapshot {
  waiting: StoredDemand[];
  leases: StoredLease[];
  queues: StoredQueueSettings[];
  environments?: StoredEnvironmentSettings[];
  organizations?: StoredOrganizationSettings[];
}

export interface LeaseStore {
  load(): Promise<DispatchSnapshot>;
  commit(change: DispatchCommit): Promise<void>;
  saveQueue(settings: StoredQueueSettings): Promise<void>;
  /**
   * Settings are shared by every process of the engine: one that does not run the dispatcher (an API-only webapp, a
   * standby) saves them here and the leader loads what changed (`settingsChangedSince`) about once a second.
   */
  loadQueue?(key: QueueGateKey): Promise<StoredQueueSettings | undefined>;
  countQueue?(key: QueueGateKey): Promise<StoredQueueCounts>;
  saveEnvironment?(settings: StoredEnvironmentSettings): Promise<void>;
  saveOrganization?(settings: StoredOrganizationSettings): Promise<void>;
  /** `since` undefined: the store's current cursor, with nothing (the dispatcher just loaded everything). */
  settingsChangedSince?(since: number | undefined): Promise<SettingsChanges>;
}

export function isEmptyCommit(change: DispatchCommit): boolean {
  return (
    change.waiting.length === 0 &&
    change.admitted.length === 0 &&
    change.released.length === 0 &&
    !change.renewed?.runIds.length
  );
}
