/**
 * The engine's dispatcher: every run asks it for admission before each execution, and it answers from memory with
 * the FairScheduler (DRR across organisations, environments, queues and keys, every cap checked at admission).
 *
 * Requests and releases are gathered into admission rounds that run one at a time: a round applies the releases,
 * records the new requests, admits what fits (up to `batchSize`) and commits all of it to the LeaseStore in one
 * write (while no run waits, a release waits up to IDLE_RELEASE_DELAY_MS for others to share that write). A
 * requester admitted in its own round hears "granted" in its answer; runs admitted later are told by one
 * signal naming the request (ticket) it answers. Leases are renewed by a sweeper that checks their workflows are
 * still open and frees those whose workflow closed; a restart rebuilds the memory from the store.
 *
 * Settings saved by other processes (a webapp that does not run the dispatcher) are polled about once a second. A
 * request for a queue this process has not seen yet waits for a poll that started after it arrived, so a run is never
 * admitted on a queue without the limit declared before the run was triggered. A later change of a queue's settings
 * (a new limit, a pause) made elsewhere can still take up to one poll interval to apply here.
 */
import { FairScheduler } from "./fair-scheduler.js";
import type { Demand } from "./demand.js";
import {
  DispatchSettings,
  applyQueueConfiguration,
  type EnvironmentLimits,
  type OrganizationLimits,
} from "./dispatch-settings.js";
import { isEmptyCommit, type LeaseStore, type StoredDemand, type StoredLease } from "./lease-store.js";
import type { AdmissionRequest } from "../shared/dispatch.js";
import type { QueueConfiguration, QueueGateKey, QueueSnapshot } from "../shared/queue-gate.js";

export interface DispatcherOptions {
  store: LeaseStore;
  /** Tells a run's workflow its request `ticket` was admitted; rejects with `RunGoneError` if the run closed. */
  notify(runId: string, ticket: number): Promise<void>;
  /** Which of these runs' workflows have closed. */
  closedRuns(runIds: string[]): Promise<string[]>;
  /** Most admissions per round (one store write each). */
  batchSize?: number;
  /** A lease not renewed for this long is checked: freed if its run closed, else renewed. */
  leaseTtlMs?: number;
  /** How often the sweeper looks for leases due for renewal. */
  sweepIntervalMs?: number;
  /** How often waiting runs are looked at again without a release (rate limits, settings changes). */
  tickMs?: number;
  /** How often settings other processes saved to the store are loaded. */
  settingsPollMs?: number;
  defaultQueueLimit?: number;
  /** An environment's organisation and limits, asked once before its first run is scheduled. */
  describeEnvironment?(environmentId: string): Promise<EnvironmentLimits | undefined>;
  onError?(error: unknown): void;
}

/** The run's workflow is gone (closed or never existed): its slot is freed. */
export class RunGoneError extends Error {
  override name = "RunGoneError";
}

interface PendingRequest {
  demand: StoredDemand;
  answers: { resolve(granted: boolean): void; reject(error: unknown): void }[];
}

/** A request waiting for settings: for a poll started after it arrived, or behind one that does (order is kept). */
interface HeldRequest {
  request: AdmissionRequest;
  /** The settings poll it waits for (0: none, it only waits its turn). */
  poll: number;
  resolve(granted: boolean): void;
  reject(error: unknown): void;
}

interface PendingRelease {
  resolve(): void;
  reject(error: unknown): void;
}

const NOTIFY_CONCURRENCY = 32;
/**
 * While no run waits, a release waits this long for others (or for the next request's round) to share one store
 * write: nobody needs the slot sooner, and a batch's runs end a few milliseconds apart.
 */
const IDLE_RELEASE_DELAY_MS = 50;

const queueKeyOf = (key: QueueGateKey) => `${key.environmentId}\u0000${key.queue}`;

export class Dispatcher {
  readonly settings: DispatchSettings;
  private readonly scheduler: FairScheduler;
  /** Every run the scheduler knows (waiting or leased), as stored. */
  private readonly runs = new Map<string, StoredDemand | StoredLease>();
  private requests = new Map<string, PendingRequest>();
  private releases = new Map<string, PendingRelease[]>();
  private readonly notifications: { runId: string; ticket: number }[] = [];
  private notifying = 0;
  private rounds: Promise<void> | undefined;
  private again = false;
  private releaseSoon: NodeJS.Timeout | undefined;
  private timers: NodeJS.Timeout[] = [];
  private sweeping: Promise<void> | undefined;
  private stopped = false;
  private readonly batchSize: number;
  private readonly leaseTtlMs: number;
  private settingsCursor: number | undefined;
  private pollingSettings: Promise<void> | undefined;
  /** Settings polls started, the last one finished, the last one that succeeded (ids count from 1). */
  private pollsStarted = 0;
  private pollsSettled = 0;
  private pollsSucceeded = 0;
  private pollFailure: unknown;
  /** A request arrived during the current poll and needs another one after it. */
  private pollAgain = false;
  /** A poll about to start, for the requests that arrived since the last one (a burst shares it). */
  private pollSoon: NodeJS.Immediate | undefined;
  private held: HeldRequest[] = [];
  /** Queues a poll looked for after a request for them arrived (some never have stored settings). */
  private readonly checkedQueues = new Set<string>();

  constructor(private readonly options: DispatcherOptions) {
    this.settings = new DispatchSettings(options.defaultQueueLimit);
    this.scheduler = new FairScheduler(this.settings);
    this.batchSize = options.batchSize ?? 500;
    this.leaseTtlMs = options.leaseTtlMs ?? 60_000;
  }

  /** Rebuilds memory from the store, tells leased runs again (a grant may have been lost with the last process). */
  async start(): Promise<void> {
    // The cursor first: a setting saved while loading is read again by the first poll rather than missed.
    this.settingsCursor = (await this.options.store.settingsChangedSince?.(undefined))?.cursor;
    const snapshot = await this.options.store.load();
    for (const queue of snapshot.queues) this.settings.restoreQueue(queue);
    for (const { environmentId, ...limits } of snapshot.environments ?? [])
      this.settings.setEnvironment(environmentId, limits);
    for (const { organizationId, ...settings } of snapshot.organizations ?? [])
      this.settings.setOrganization(organizationId, settings);
    for (const lease of snapshot.leases) {
      this.scheduler.restoreLease(lease);
      this.runs.set(lease.runId, lease);
      this.notifications.push({ runId: lease.runId, ticket: lease.ticket });
    }
    for (const demand of [...snapshot.waiting].sort((a, b) => a.requestedAt - b.requestedAt)) {
      if (this.runs.has(demand.runId)) continue;
      this.scheduler.request(demand);
      this.runs.set(demand.runId, demand);
    }
    this.pump();
    this.timers.push(setInterval(() => this.scheduler.waitingCount > 0 && this.kick(), this.options.tickMs ?? 250));
    this.timers.push(setInterval(() => void this.sweep(), this.options.sweepIntervalMs ?? 15_000));
    if (this.options.store.settingsChangedSince)
      this.timers.push(setInterval(() => void this.pollSettings(), this.options.settingsPollMs ?? 1_000));
    for (const timer of this.timers) timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    // Releases still gathering company are written before the rounds stop.
    if (this.releases.size > 0) this.kick();
    this.stopped = true;
    if (this.releaseSoon) clearTimeout(this.releaseSoon);
    for (const timer of this.timers) clearInterval(timer);
    if (this.pollSoon) clearImmediate(this.pollSoon);
    await this.rounds;
    await this.sweeping;
    while (this.pollingSettings) await this.pollingSettings;
    const held = this.held;
    this.held = [];
    for (const { reject } of held) reject(new Error("The dispatcher stopped before this request was admitted"));
  }

  /**
   * Loads the settings other processes saved to the store since the last look (API-only webapps, standbys). Joins
   * the poll under way if there is one; then lets through the requests that waited for it.
   */
  pollSettings(): Promise<void> {
    const store = this.options.store;
    if (!store.settingsChangedSince) return Promise.resolve();
    if (this.pollingSettings) return this.pollingSettings;
    const id = ++this.pollsStarted;
    // Any poll starting now answers every request held so far.
    this.pollAgain = false;
    if (this.pollSoon) clearImmediate(this.pollSoon);
    this.pollSoon = undefined;
    this.pollingSettings = (async () => {
      const changes = await store.settingsChangedSince!(this.settingsCursor);
      for (const queue of changes.queues) this.settings.restoreQueue(queue);
      for (const { environmentId, ...limits } of changes.environments)
        this.settings.setEnvironment(environmentId, limits);
      for (const { organizationId, ...settings } of changes.organizations)
        this.settings.setOrganization(organizationId, settings);
      this.settingsCursor = changes.cursor;
      if (changes.queues.length + changes.environments.length + changes.organizations.length > 0) this.kick();
    })()
      .then(
        () => {
          this.pollsSucceeded = id;
        },
        (error) => {
          this.pollFailure = error;
          this.report(error);
        },
      )
      .finally(() => {
        this.pollingSettings = undefined;
        this.pollsSettled = id;
        this.releaseHeld();
        if (this.pollAgain && !this.stopped) void this.pollSettings();
      });
    return this.pollingSettings;
  }

  /**
   * Whether a request must wait for the settings other processes saved: its queue is not known here, and may have
   * been declared through another webapp since the last poll (its run was triggered after that declaration).
   */
  private needsSettings(key: QueueGateKey): boolean {
    return (
      this.options.store.settingsChangedSince !== undefined &&
      this.settingsCursor !== undefined &&
      !this.settings.hasQueue(key) &&
      !this.checkedQueues.has(queueKeyOf(key))
    );
  }

  /** Holds a request until a settings poll that starts after now has finished (one poll for a burst of them). */
  private holdForSettings(request: AdmissionRequest): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const poll = this.needsSettings(request) ? this.pollsStarted + 1 : 0;
      this.held.push({ request, poll, resolve, reject });
      if (poll === 0) return;
      if (this.pollingSettings) this.pollAgain = true;
      // Started after the events being handled now: requests that arrived with this one share it.
      else
        this.pollSoon ??= setImmediate(() => {
          this.pollSoon = undefined;
          void this.pollSettings();
        });
    });
  }

  /** Hands the held requests whose poll finished to the rounds, in the order they arrived. */
  private releaseHeld(): void {
    while (this.held.length > 0 && this.held[0]!.poll <= this.pollsSettled) {
      const { request, poll, resolve, reject } = this.held.shift()!;
      if (poll > this.pollsSucceeded) {
        // Its settings could not be read: admitting it might ignore its queue's limit. The caller asks again.
        reject(this.pollFailure);
        continue;
      }
      if (poll > 0) this.checkedQueues.add(queueKeyOf(request));
      this.enqueue(request).then(resolve, reject);
    }
  }

  get waitingCount(): number {
    return this.scheduler.waitingCount;
  }

  get runningCount(): number {
    return this.scheduler.runningCount;
  }

  holdsLease(runId: string): boolean {
    return this.scheduler.holdsLease(runId);
  }

  /** A waiting run that could start now (must be none once rounds settle: the tests' invariant). */
  findStarved(): Demand | undefined {
    return this.scheduler.findStarved(Date.now());
  }

  /** Runs holding a slot along a path (organisation defaults to the environment's). */
  running(path: { environmentId: string; queue?: string; concurrencyKey?: string }): number {
    return this.scheduler.running({ organizationId: this.settings.organizationOf(path.environmentId), ...path });
  }

  private readonly describing = new Map<string, Promise<void>>();

  /** Asks for a slot: true if the run holds one now, false if it waits for the admission signal. */
  async request(request: AdmissionRequest): Promise<boolean> {
    const describe = this.options.describeEnvironment;
    if (describe && !this.settings.knowsEnvironment(request.environmentId)) {
      let described = this.describing.get(request.environmentId);
      if (!described) {
        described = describe(request.environmentId).then(
          (limits) => {
            if (limits) this.settings.setEnvironment(request.environmentId, limits);
          },
          (error) => {
            this.describing.delete(request.environmentId);
            throw error;
          },
        );
        this.describing.set(request.environmentId, described);
      }
      await described;
    }
    if (this.held.length > 0 || this.needsSettings(request)) return this.holdForSettings(request);
    return this.enqueue(request);
  }

  private enqueue(request: AdmissionRequest): Promise<boolean> {
    const held = this.releases.has(request.runId) ? undefined : this.runs.get(request.runId);
    if (held && this.scheduler.holdsLease(request.runId)) {
      // A retried request, or a release that never arrived: the run keeps its slot for this request.
      held.ticket = request.ticket;
      return Promise.resolve(true);
    }
    if (held && this.scheduler.isWaiting(request.runId)) {
      held.ticket = request.ticket;
      return Promise.resolve(false);
    }
    if (request.declaredLimit != null) {
      // A run sent back by the worker that has its code, before that code's queues were declared here.
      const key = { environmentId: request.environmentId, queue: request.queue };
      if (this.settings.queueSettings(key).declaredLimit === null)
        void this.configure(key, { declaredLimit: request.declaredLimit }).catch((error) => this.report(error));
    }
    const demand: StoredDemand = {
      runId: request.runId,
      organizationId: this.settings.organizationOf(request.environmentId, true),
      environmentId: request.environmentId,
      queue: request.queue,
      concurrencyKey: request.concurrencyKey ?? "",
      requestedAt: request.requestedAt - request.priorityMs,
      ticket: request.ticket,
    };
    return new Promise<boolean>((resolve, reject) => {
      const pending = this.requests.get(request.runId);
      if (pending) {
        pending.demand = demand;
        pending.answers.push({ resolve, reject });
      } else this.requests.set(request.runId, { demand, answers: [{ resolve, reject }] });
      this.kick();
    });
  }

  /** Whether the run's queue has a limit (declared or overridden) or a pause, as the dispatcher knows it now. */
  isLimited(key: QueueGateKey): boolean {
    const settings = this.settings.queueSettings(key);
    return settings.declaredLimit !== null || settings.overrideLimit !== null || settings.paused;
  }

  /** Whether the run holds a lease, waits or has asked: an admission at its start (admitAtStart) is not for it. */
  knowsRun(runId: string): boolean {
    return this.runs.has(runId) || this.requests.has(runId) || this.held.some((entry) => entry.request.runId === runId);
  }

  /** Gives a run's slot back, or ends its wait (canceled, expired). Releasing what is not held is a no-op. */
  release(runId: string): Promise<void> {
    const held = this.held.filter((entry) => entry.request.runId === runId);
    if (held.length > 0) {
      // Released while its request waited for settings: the request is dropped.
      this.held = this.held.filter((entry) => entry.request.runId !== runId);
      for (const { resolve } of held) resolve(false);
      this.releaseHeld();
    }
    const pending = this.requests.get(runId);
    if (pending) {
      // Released before its request reached a round (canceled while asking): the request is dropped.
      this.requests.delete(runId);
      for (const answer of pending.answers) answer.resolve(false);
    }
    if (!this.runs.has(runId)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const list = this.releases.get(runId) ?? [];
      list.push({ resolve, reject });
      this.releases.set(runId, list);
      this.kickForRelease();
    });
  }

  /** A round now if a run waits for the slot (or a request's round is due anyway), else after IDLE_RELEASE_DELAY_MS. */
  private kickForRelease(): void {
    if (this.scheduler.waitingCount > 0 || this.requests.size > 0 || this.held.length > 0) return this.kick();
    this.releaseSoon ??= setTimeout(() => {
      this.releaseSoon = undefined;
      this.kick();
    }, IDLE_RELEASE_DELAY_MS);
    this.releaseSoon.unref();
  }

  describe(key: QueueGateKey): QueueSnapshot {
    const path = { organizationId: this.settings.organizationOf(key.environmentId), ...key };
    return this.settings.snapshot(
      key,
      this.scheduler.running(path),
      this.scheduler.waiting(path),
      this.scheduler.keys(path),
    );
  }

  async configure(key: QueueGateKey, change: QueueConfiguration): Promise<QueueSnapshot> {
    // Stored before it applies: a settings poll meanwhile reads this change, not the one before it.
    const { next, changed } = applyQueueConfiguration(this.settings.queueSettings(key), change, Date.now());
    if (changed || !this.settings.hasQueue(key)) {
      await this.options.store.saveQueue(next);
      this.settings.restoreQueue(next);
      this.kick();
    }
    return this.describe(key);
  }

  setEnvironment(environmentId: string, limits: EnvironmentLimits): void {
    this.settings.setEnvironment(environmentId, limits);
    this.kick();
  }

  /**
   * A worker pool's connected capacity (undefined: no cap). Runs waiting for a pool that was full or had no worker
   * are admitted at once when it grows.
   */
  setCapacity(pool: string, capacity: number | undefined): void {
    if (this.settings.setCapacity(pool, capacity)) this.kick();
  }

  /** Runs holding a slot in a worker pool. */
  runningIn(pool: string): number {
    return this.scheduler.runningIn(pool);
  }

  setOrganization(organizationId: string, settings: OrganizationLimits): void {
    this.settings.setOrganization(organizationId, settings);
    this.kick();
  }

  /** Sets an environment's limits and keeps them in the store (a new leader restores them). */
  async saveEnvironment(environmentId: string, limits: EnvironmentLimits): Promise<void> {
    await this.options.store.saveEnvironment?.({ environmentId, ...limits });
    this.setEnvironment(environmentId, limits);
  }

  /** Sets an organisation's limit and weight and keeps them in the store (`concurrencyLimit: null` removes it). */
  async saveOrganization(organizationId: string, settings: OrganizationLimits): Promise<void> {
    await this.options.store.saveOrganization?.({ organizationId, ...settings });
    this.setOrganization(organizationId, settings);
  }

  /** Resolves once every request and release made so far went through a round. */
  async settled(): Promise<void> {
    while (this.rounds || this.requests.size > 0 || this.releases.size > 0) {
      this.kick();
      await this.rounds;
    }
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.rounds) {
      this.again = true;
      return;
    }
    this.rounds = (async () => {
      do {
        this.again = false;
        await this.round();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.rounds = undefined;
      // A kick between the loop's last check and here found the rounds still running: its round is due now.
      if (this.again) this.kick();
    });
  }

  private async round(): Promise<void> {
    if (this.releaseSoon) clearTimeout(this.releaseSoon);
    this.releaseSoon = undefined;
    const requests = this.requests;
    const releases = this.releases;
    this.requests = new Map();
    this.releases = new Map();
    const released: string[] = [];
    const undoReleases: StoredDemand[] = [];
    for (const runId of releases.keys()) {
      const held = this.runs.get(runId);
      const wasLeased = this.scheduler.release(runId);
      if (wasLeased || this.scheduler.withdraw(runId)) {
        released.push(runId);
        this.runs.delete(runId);
        if (wasLeased && held) undoReleases.push(held);
      }
    }
    const waiting: StoredDemand[] = [];
    for (const { demand } of requests.values()) {
      this.scheduler.request(demand);
      this.runs.set(demand.runId, demand);
      waiting.push(demand);
    }
    const now = Date.now();
    const admitted: StoredLease[] = this.scheduler.nextBatch(now, this.batchSize).map(({ demand }) => {
      const lease: StoredLease = { ...(this.runs.get(demand.runId) as StoredDemand), renewedAt: now };
      this.runs.set(demand.runId, lease);
      return lease;
    });
    const admittedIds = new Set(admitted.map((lease) => lease.runId));
    const change = { waiting: waiting.filter((demand) => !admittedIds.has(demand.runId)), admitted, released };
    try {
      if (!isEmptyCommit(change)) await this.options.store.commit(change);
    } catch (error) {
      // Nothing was recorded: put memory back as it was and let the callers (activities) retry.
      for (const lease of admitted) {
        this.scheduler.release(lease.runId);
        if (!requests.has(lease.runId)) this.scheduler.request(lease);
        this.runs.set(lease.runId, lease);
      }
      for (const demand of waiting) {
        this.scheduler.withdraw(demand.runId);
        this.scheduler.release(demand.runId);
        this.runs.delete(demand.runId);
      }
      for (const held of undoReleases) {
        this.scheduler.restoreLease(held);
        this.runs.set(held.runId, held);
      }
      for (const pending of requests.values()) for (const answer of pending.answers) answer.reject(error);
      for (const list of releases.values()) for (const answer of list) answer.reject(error);
      this.report(error);
      return;
    }
    for (const list of releases.values()) for (const answer of list) answer.resolve();
    for (const [runId, pending] of requests)
      for (const answer of pending.answers) answer.resolve(admittedIds.has(runId));
    for (const lease of admitted) if (!requests.has(lease.runId)) this.notifications.push(lease);
    this.pump();
    if (admitted.length === this.batchSize) this.again = true;
  }

  /** Sends admission signals, a few at a time; a run that is gone gives its slot back. */
  private pump(): void {
    while (this.notifying < NOTIFY_CONCURRENCY && this.notifications.length > 0) {
      const { runId, ticket } = this.notifications.shift()!;
      const lease = this.runs.get(runId);
      if (!lease || lease.ticket !== ticket || !this.scheduler.holdsLease(runId)) continue;
      this.notifying++;
      this.options
        .notify(runId, ticket)
        .catch((error) => {
          if (error instanceof RunGoneError) return this.release(runId);
          // The sweeper renews or frees the lease; the run asks again if it never hears.
          this.report(error);
        })
        .catch((error) => this.report(error))
        .finally(() => {
          this.notifying--;
          this.pump();
        });
    }
  }

  /**
   * Frees leases whose run closed and renews the leases of runs still open. Waiting runs are not swept: one that
   * closed is found when it is admitted (its signal fails) and frees its slot then.
   */
  private sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      const due = Date.now() - this.leaseTtlMs;
      const stale = [...this.runs.values()].filter(
        (run): run is StoredLease => "renewedAt" in run && run.renewedAt < due,
      );
      if (stale.length === 0) return;
      const closed = new Set(await this.options.closedRuns(stale.map((run) => run.runId)));
      await Promise.all([...closed].map((runId) => this.release(runId)));
      const renewed = stale
        .filter((run) => !closed.has(run.runId) && this.runs.get(run.runId) === run)
        .map((run) => run.runId);
      if (renewed.length === 0) return;
      const at = Date.now();
      await this.options.store.commit({ waiting: [], admitted: [], released: [], renewed: { runIds: renewed, at } });
      for (const runId of renewed) {
        const run = this.runs.get(runId);
        if (run && "renewedAt" in run) run.renewedAt = at;
      }
    })()
      .catch((error) => this.report(error))
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  /** Runs the sweeper now (tests). */
  sweepNow(): Promise<void> {
    return this.sweep();
  }

  private report(error: unknown): void {
    if (this.options.onError) this.options.onError(error);
    else console.error("[stint dispatcher]", error);
  }
}
