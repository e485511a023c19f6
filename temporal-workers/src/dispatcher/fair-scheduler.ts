/**
 * Which waiting run starts next, for every tenant sharing the workers: Deficit Round Robin over organisations, then
 * each organisation's environments, their queues, and the queues' concurrency keys, with a weight per level — so a
 * tenant's share does not grow with the number of queues or keys it spreads its work over (Trigger.dev gives each key
 * a copy of the queue's limit, so splitting work floods; their #2617). Within a key, runs start by priority, then
 * in the order they asked.
 *
 * Every cap is checked at admission, on the whole path: organisation limit, environment limit × burst factor, queue
 * limit (never above the environment's limit) and pause, per-key limit, rate limits per queue and per key (GCRA), and
 * the connected capacity of the worker pool the environment's attempts run on (checked at the environment, counted
 * across the environments sharing the pool, so that pool's task queue stays short and the next attempt its workers
 * take is the fair one). A branch that is capped is skipped without earning credit, so it cannot bank a burst.
 *
 * Pure and in memory (no clock, no I/O): the caller records each admission as a lease and releases it when the
 * execution ends or suspends. Cost per admission: O(depth × siblings skipped), no allocation beyond the lease.
 */
import TinyQueue from "tinyqueue";
import type { Demand, SchedulerSettings } from "./demand.js";
import { Gcra, type RateLimit } from "./gcra.js";

type Level = "root" | "organization" | "environment" | "queue" | "key";
const CHILD_LEVEL: Record<Exclude<Level, "key">, Level> = {
  root: "organization",
  organization: "environment",
  environment: "queue",
  queue: "key",
};

interface Waiting {
  demand: Demand;
  /** Priority, then arrival: the smaller starts first. */
  order: number;
  seq: number;
  withdrawn: boolean;
}

class SchedulerNode {
  readonly children = new Map<string, SchedulerNode>();
  /** Children with runs waiting below them, in round-robin order. */
  readonly ring: SchedulerNode[] = [];
  cursor = 0;
  inRing = false;
  deficit = 0;
  credited = false;
  waiting = 0;
  running = 0;
  heap?: TinyQueue<Waiting>;
  limiter?: Gcra;

  constructor(
    readonly level: Level,
    readonly id: string,
    readonly parent: SchedulerNode | undefined,
  ) {
    if (level === "key") heap(this);
  }

  child(id: string): SchedulerNode {
    let node = this.children.get(id);
    if (!node)
      this.children.set(id, (node = new SchedulerNode(CHILD_LEVEL[this.level as Exclude<Level, "key">], id, this)));
    return node;
  }
}

function heap(node: SchedulerNode): TinyQueue<Waiting> {
  return (node.heap ??= new TinyQueue<Waiting>([], (a, b) => a.order - b.order || a.seq - b.seq));
}

export interface Admission {
  demand: Demand;
}

export class FairScheduler {
  private readonly root = new SchedulerNode("root", "", undefined);
  private readonly waitingRuns = new Map<string, { entry: Waiting; leaf: SchedulerNode }>();
  /** Each leased run's leaf and the pool it counts against (as it was when admitted, so release undoes it exactly). */
  private readonly leases = new Map<string, { leaf: SchedulerNode; pool: string | undefined }>();
  private readonly poolRunning = new Map<string, number>();
  private poolBound = false;
  private seq = 0;

  constructor(private readonly settings: SchedulerSettings) {}

  /** Runs waiting for admission. */
  get waitingCount(): number {
    return this.root.waiting;
  }

  /** Runs holding a slot. */
  get runningCount(): number {
    return this.root.running;
  }

  /** Runs holding a slot in a worker pool. */
  runningIn(pool: string): number {
    return this.poolRunning.get(pool) ?? 0;
  }

  isWaiting(runId: string): boolean {
    return this.waitingRuns.has(runId);
  }

  holdsLease(runId: string): boolean {
    return this.leases.has(runId);
  }

  /** A run asks for a slot (again after a suspension or before a retry). Asking twice is one request. */
  request(demand: Demand): void {
    if (this.waitingRuns.has(demand.runId) || this.leases.has(demand.runId)) return;
    const leaf = this.root
      .child(demand.organizationId)
      .child(demand.environmentId)
      .child(demand.queue)
      .child(demand.concurrencyKey);
    const entry: Waiting = {
      demand,
      order: demand.requestedAt - (demand.prioritySeconds ?? 0) * 1000,
      seq: this.seq++,
      withdrawn: false,
    };
    heap(leaf).push(entry);
    this.waitingRuns.set(demand.runId, { entry, leaf });
    for (let node: SchedulerNode | undefined = leaf; node; node = node.parent) {
      node.waiting++;
      if (node.parent && !node.inRing) {
        node.inRing = true;
        node.parent.ring.push(node);
      }
    }
  }

  /** A waiting run leaves without starting (canceled, expired). */
  withdraw(runId: string): boolean {
    const found = this.waitingRuns.get(runId);
    if (!found) return false;
    found.entry.withdrawn = true;
    this.waitingRuns.delete(runId);
    for (let node: SchedulerNode | undefined = found.leaf; node; node = node.parent) node.waiting--;
    this.prune(found.leaf);
    return true;
  }

  /** The next run to start at `now`, now holding a slot; undefined when every waiting run is capped or limited. */
  next(now: number): Admission | undefined {
    const leaf = this.pick(this.root, now);
    if (!leaf) return undefined;
    const entry = leaf.heap!.pop()!;
    this.waitingRuns.delete(entry.demand.runId);
    this.lease(entry.demand, leaf);
    for (let node: SchedulerNode | undefined = leaf; node; node = node.parent) {
      node.waiting--;
      node.running++;
      node.limiter?.take(now);
    }
    return { demand: entry.demand };
  }

  /** Admits runs until `max` or until nothing more may start (a dispatch round). */
  nextBatch(now: number, max: number): Admission[] {
    const admitted: Admission[] = [];
    for (
      let admission = max > 0 ? this.next(now) : undefined;
      admission;
      admission = admitted.length < max ? this.next(now) : undefined
    )
      admitted.push(admission);
    return admitted;
  }

  /** A lease recorded before a restart: the run holds its slot again without waiting (idempotent). */
  restoreLease(demand: Demand): void {
    if (this.leases.has(demand.runId)) return;
    this.withdraw(demand.runId);
    const leaf = this.root
      .child(demand.organizationId)
      .child(demand.environmentId)
      .child(demand.queue)
      .child(demand.concurrencyKey);
    this.lease(demand, leaf);
    for (let node: SchedulerNode | undefined = leaf; node; node = node.parent) node.running++;
  }

  private lease(demand: Demand, leaf: SchedulerNode): void {
    const pool = this.settings.environment(demand.environmentId).pool;
    this.leases.set(demand.runId, { leaf, pool });
    if (pool !== undefined) this.poolRunning.set(pool, this.runningIn(pool) + 1);
  }

  /** A run gives its slot back (its execution ended or suspended). Releasing twice is once. */
  release(runId: string): boolean {
    const lease = this.leases.get(runId);
    if (!lease) return false;
    const { leaf, pool } = lease;
    this.leases.delete(runId);
    if (pool !== undefined) {
      const running = this.runningIn(pool) - 1;
      if (running > 0) this.poolRunning.set(pool, running);
      else this.poolRunning.delete(pool);
    }
    for (let node: SchedulerNode | undefined = leaf; node; node = node.parent) node.running--;
    this.prune(leaf);
    return true;
  }

  /**
   * A waiting run that could start now but was not admitted: every level on its path has room and no rate limit
   * holds it. After `next` returned undefined this must find nothing (the tests' invariant).
   */
  findStarved(now: number): Demand | undefined {
    for (const { entry, leaf } of this.waitingRuns.values()) {
      let open = true;
      for (let node: SchedulerNode | undefined = leaf; node && node.parent && open; node = node.parent)
        open = this.hasRoom(node, now);
      if (open) return entry.demand;
    }
    return undefined;
  }

  /** Running counts along a run's path, for dashboards and tests. */
  running(path: { organizationId: string; environmentId?: string; queue?: string; concurrencyKey?: string }): number {
    let node = this.root.children.get(path.organizationId);
    for (const id of [path.environmentId, path.queue, path.concurrencyKey]) {
      if (id === undefined || !node) break;
      node = node.children.get(id);
    }
    return node?.running ?? 0;
  }

  /** Waiting counts along a path, for dashboards and tests. */
  waiting(path: { organizationId: string; environmentId?: string; queue?: string; concurrencyKey?: string }): number {
    let node = this.root.children.get(path.organizationId);
    for (const id of [path.environmentId, path.queue, path.concurrencyKey]) {
      if (id === undefined || !node) break;
      node = node.children.get(id);
    }
    return node?.waiting ?? 0;
  }

  /** Running and waiting runs per concurrency key of a queue, busiest first, at most `max`. */
  keys(
    path: { organizationId: string; environmentId: string; queue: string },
    max = 50,
  ): { concurrencyKey: string; running: number; waiting: number }[] {
    const queue = this.root.children
      .get(path.organizationId)
      ?.children.get(path.environmentId)
      ?.children.get(path.queue);
    if (!queue) return [];
    return [...queue.children.values()]
      .map((key) => ({ concurrencyKey: key.id, running: key.running, waiting: key.waiting }))
      .filter((key) => key.running > 0 || key.waiting > 0)
      .sort(
        (a, b) => b.running - a.running || b.waiting - a.waiting || a.concurrencyKey.localeCompare(b.concurrencyKey),
      )
      .slice(0, max);
  }

  /**
   * Deficit Round Robin over `node`'s children; returns the leaf whose head run starts, crediting on the way. When it
   * finds nothing, `poolBound` says whether only full worker pools held it back.
   */
  private pick(node: SchedulerNode, now: number): SchedulerNode | undefined {
    this.poolBound = false;
    if (node.level === "key") {
      const queue = node.heap!;
      while (queue.length && queue.peek()!.withdrawn) queue.pop();
      return queue.length ? node : undefined;
    }
    const ring = node.ring;
    let onlyPools = true;
    const blocked = () => {
      this.poolBound = onlyPools;
      return undefined;
    };
    // Bounded: each pass credits every open child, so fractional weights reach a whole admission within a few passes.
    let skippedInARow = 0;
    let passesWithoutAdmission = 0;
    while (ring.length > 0) {
      if (node.cursor >= ring.length) {
        node.cursor = 0;
        if (++passesWithoutAdmission > 64) {
          this.poolBound = false;
          return undefined;
        }
      }
      const child = ring[node.cursor]!;
      if (child.waiting === 0) {
        ring.splice(node.cursor, 1);
        child.inRing = false;
        child.deficit = 0;
        child.credited = false;
        this.prune(child);
        continue;
      }
      if (this.poolFull(child)) {
        // Its workers are full: it keeps its credit, as do the others sharing them (nobody gains by the wait).
        node.cursor++;
        if (++skippedInARow >= ring.length) return blocked();
        continue;
      }
      if (!this.hasRoom(child, now)) {
        onlyPools = false;
        this.skip(node, child);
        if (++skippedInARow >= ring.length) return blocked();
        continue;
      }
      if (!child.credited) {
        child.deficit += this.weightOf(child);
        child.credited = true;
      }
      if (child.deficit >= 1) {
        const leaf = this.pick(child, now);
        if (leaf) {
          child.deficit -= 1;
          // Its turn ends when its credit does; the next call continues with the next child.
          if (child.deficit < 1) {
            child.credited = false;
            node.cursor++;
          }
          return leaf;
        }
        if (this.poolBound) node.cursor++;
        else {
          // Everything below is capped or limited: no credit is banked while blocked.
          onlyPools = false;
          this.skip(node, child);
        }
        if (++skippedInARow >= ring.length) return blocked();
        continue;
      }
      // A fractional weight: keep the credit for its next turn.
      child.credited = false;
      node.cursor++;
    }
    this.poolBound = false;
    return undefined;
  }

  /** Whether an environment's worker pool has no room (its connected workers are all taken, or none is connected). */
  private poolFull(node: SchedulerNode): boolean {
    if (node.level !== "environment") return false;
    const pool = this.settings.environment(node.id).pool;
    const capacity = pool === undefined ? undefined : this.settings.capacity(pool);
    return capacity !== undefined && this.runningIn(pool!) >= capacity;
  }

  private skip(node: SchedulerNode, child: SchedulerNode): void {
    child.deficit = 0;
    child.credited = false;
    node.cursor++;
  }

  private weightOf(node: SchedulerNode): number {
    const weight = this.levelSettings(node).weight ?? 1;
    return weight > 0 ? weight : 1;
  }

  private levelSettings(node: SchedulerNode) {
    switch (node.level) {
      case "organization":
        return this.settings.organization(node.id);
      case "environment":
        return this.settings.environment(node.id);
      case "queue":
        return this.settings.queue(node.parent!.id, node.id);
      default:
        return {};
    }
  }

  /** Whether one more run may start at this level now. */
  private hasRoom(node: SchedulerNode, now: number): boolean {
    switch (node.level) {
      case "organization": {
        const limit = this.settings.organization(node.id).concurrencyLimit;
        return limit === undefined || node.running < limit;
      }
      case "environment": {
        // The pool's workers are full (or none is connected): its runs wait here, not in its task queue.
        if (this.poolFull(node)) return false;
        const env = this.settings.environment(node.id);
        return (
          env.concurrencyLimit === undefined || node.running < Math.floor(env.concurrencyLimit * (env.burstFactor ?? 1))
        );
      }
      case "queue": {
        const env = this.settings.environment(node.parent!.id);
        const queue = this.settings.queue(node.parent!.id, node.id);
        if (queue.paused) return false;
        // Trigger.dev's semantics: without a per-key limit, each key gets its own copy of the queue's limit, so the
        // queue as a whole is capped only by its environment; with one, the queue's limit caps all its keys together.
        const queueLimit = queue.concurrencyLimitPerKey === undefined ? Infinity : (queue.concurrencyLimit ?? Infinity);
        if (node.running >= Math.min(queueLimit, env.concurrencyLimit ?? Infinity)) return false;
        return this.rateAllows(node, queue.rateLimit, now);
      }
      case "key": {
        const queueNode = node.parent!;
        const queue = this.settings.queue(queueNode.parent!.id, queueNode.id);
        const limit = queue.concurrencyLimitPerKey ?? queue.concurrencyLimit;
        if (limit !== undefined && node.running >= limit) return false;
        return this.rateAllows(node, queue.rateLimitPerKey, now);
      }
      default:
        return true;
    }
  }

  private rateAllows(node: SchedulerNode, rate: RateLimit | undefined, now: number): boolean {
    if (!rate) {
      node.limiter = undefined;
      return true;
    }
    const current = node.limiter?.rate;
    if (!current || current.limit !== rate.limit || current.periodMs !== rate.periodMs || current.burst !== rate.burst)
      node.limiter = new Gcra(rate);
    return node.limiter!.allows(now);
  }

  /** Forgets nodes with nothing waiting or running, so memory follows the live tenants. */
  private prune(from: SchedulerNode): void {
    for (let node: SchedulerNode | undefined = from; node && node.parent; node = node.parent) {
      if (node.waiting > 0 || node.running > 0 || node.children.size > 0 || node.inRing || node.limiter) return;
      node.parent.children.delete(node.id);
    }
  }
}
