/** A lease store in memory: a standalone `stint dev` (no database) keeps the dispatcher's state for its lifetime. */
import type {
  DispatchCommit,
  DispatchSnapshot,
  LeaseStore,
  SettingsChanges,
  StoredDemand,
  StoredEnvironmentSettings,
  StoredLease,
  StoredOrganizationSettings,
  StoredQueueCounts,
  StoredQueueSettings,
} from "./lease-store.js";
import type { QueueGateKey } from "../shared/queue-gate.js";

/**
 * One store per engine (workflow task queue) for the life of the process: an engine that restarts in the same
 * process (workers shut down and created again) finds its leases and waiting runs where it left them.
 */
const processStores = new Map<string, MemoryLeaseStore>();
export function processMemoryStore(workflowTaskQueue: string): MemoryLeaseStore {
  let store = processStores.get(workflowTaskQueue);
  if (!store) processStores.set(workflowTaskQueue, (store = new MemoryLeaseStore()));
  return store;
}

export class MemoryLeaseStore implements LeaseStore {
  readonly waiting = new Map<string, StoredDemand>();
  readonly leases = new Map<string, StoredLease>();
  readonly queues = new Map<string, StoredQueueSettings>();
  readonly environments = new Map<string, StoredEnvironmentSettings>();
  readonly organizations = new Map<string, StoredOrganizationSettings>();
  /** Settings in the order they were saved, with the save's sequence number (the cursor). */
  private readonly changes: { seq: number; kind: "queue" | "environment" | "organization"; id: string }[] = [];
  private seq = 0;

  async load(): Promise<DispatchSnapshot> {
    return {
      waiting: [...this.waiting.values()],
      leases: [...this.leases.values()],
      queues: [...this.queues.values()],
      environments: [...this.environments.values()],
      organizations: [...this.organizations.values()],
    };
  }

  async loadQueue(key: QueueGateKey): Promise<StoredQueueSettings | undefined> {
    const found = this.queues.get(`${key.environmentId}\u0000${key.queue}`);
    return found && { ...found };
  }

  async countQueue(key: QueueGateKey): Promise<StoredQueueCounts> {
    const keys = new Map<string, { concurrencyKey: string; running: number; waiting: number }>();
    const count = (run: StoredDemand, field: "running" | "waiting") => {
      if (run.environmentId !== key.environmentId || run.queue !== key.queue) return;
      const entry = keys.get(run.concurrencyKey) ?? { concurrencyKey: run.concurrencyKey, running: 0, waiting: 0 };
      entry[field]++;
      keys.set(run.concurrencyKey, entry);
    };
    for (const lease of this.leases.values()) count(lease, "running");
    for (const demand of this.waiting.values()) count(demand, "waiting");
    const shares = [...keys.values()].sort((a, b) => b.running - a.running || b.waiting - a.waiting);
    return {
      running: shares.reduce((sum, k) => sum + k.running, 0),
      waiting: shares.reduce((sum, k) => sum + k.waiting, 0),
      keys: shares.slice(0, 50),
    };
  }

  async saveEnvironment(settings: StoredEnvironmentSettings): Promise<void> {
    this.environments.set(settings.environmentId, { ...this.environments.get(settings.environmentId), ...settings });
    this.changes.push({ seq: ++this.seq, kind: "environment", id: settings.environmentId });
  }

  async saveOrganization(settings: StoredOrganizationSettings): Promise<void> {
    this.organizations.set(settings.organizationId, {
      ...this.organizations.get(settings.organizationId),
      ...settings,
    });
    this.changes.push({ seq: ++this.seq, kind: "organization", id: settings.organizationId });
  }

  async settingsChangedSince(since: number | undefined): Promise<SettingsChanges> {
    const result: SettingsChanges = { queues: [], environments: [], organizations: [], cursor: this.seq };
    if (since === undefined) return result;
    for (const change of this.changes) {
      if (change.seq <= since) continue;
      if (change.kind === "queue") result.queues.push({ ...this.queues.get(change.id)! });
      else if (change.kind === "environment") result.environments.push({ ...this.environments.get(change.id)! });
      else result.organizations.push({ ...this.organizations.get(change.id)! });
    }
    // Only the newest few hundred matter to a dispatcher polling every second.
    if (this.changes.length > 1_000) this.changes.splice(0, this.changes.length - 1_000);
    return result;
  }

  async commit(change: DispatchCommit): Promise<void> {
    for (const runId of change.released) {
      this.waiting.delete(runId);
      this.leases.delete(runId);
    }
    for (const demand of change.waiting) this.waiting.set(demand.runId, demand);
    for (const lease of change.admitted) {
      this.waiting.delete(lease.runId);
      this.leases.set(lease.runId, lease);
    }
    if (change.renewed)
      for (const runId of change.renewed.runIds) {
        const lease = this.leases.get(runId);
        if (lease) lease.renewedAt = change.renewed.at;
      }
  }

  async saveQueue(settings: StoredQueueSettings): Promise<void> {
    const id = `${settings.environmentId}\u0000${settings.queue}`;
    this.queues.set(id, { ...settings });
    this.changes.push({ seq: ++this.seq, kind: "queue", id });
  }
}
