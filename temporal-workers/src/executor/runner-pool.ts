/**
 * Runners that have loaded a bundle version, ready to take an attempt at once: starting Node and importing the
 * project costs hundreds of milliseconds, so the pool keeps a few started for the version new runs start on.
 */
import { fromRunnerSchema, type BundleManifest, type FromRunner, type RunnerBundle } from "./runner-protocol.js";
import type { RunnerExecution, RunnerHandle, RunnerLauncher } from "./runner-transport.js";
import { RunnerReuseEstimate } from "./runner-reuse-estimate.js";

/** One runner process and the bundle it loads; its messages after loading go to the execution attached to it. */
export class Runner {
  /** Resolves with the bundle's manifest once loaded; rejects if loading failed or the process died first. */
  readonly ready: Promise<BundleManifest>;
  /** Set when it was started ahead of its execution (taken from the pool). */
  warm = false;
  /** Executions it has served (more than one only for a project that keeps processes alive). */
  executions = 0;
  /** The pool's generation when it started: a drain (what runners start with changed) makes it out of date. */
  generation = 0;
  /** When its current execution took it, and when its bundle finished loading (performance.now()). */
  takenAt = 0;
  loadedAt = 0;
  private listener: ((message: FromRunner) => void) | undefined;
  private loaded = false;

  constructor(
    readonly handle: RunnerHandle,
    readonly bundle: RunnerBundle,
    /** The machine preset it was started with (warm runners), if the launcher has machines. */
    readonly machine?: string,
  ) {
    this.ready = new Promise((resolve, reject) => {
      handle.onMessage((raw) => {
        const parsed = fromRunnerSchema.safeParse(raw);
        if (!parsed.success) {
          handle.stop(`sent a malformed message: ${parsed.error.issues[0]?.message}`);
          return;
        }
        const message = parsed.data;
        if (message.type === "loaded") {
          this.loaded = true;
          this.loadedAt = performance.now();
          return resolve(message.manifest as BundleManifest);
        }
        if (message.type === "load-failed") {
          handle.stop("its bundle failed to load");
          const error = Object.assign(new Error(message.error.message), { name: message.error.name });
          if (message.error.stack) error.stack = message.error.stack;
          return reject(error);
        }
        this.listener?.(message);
      });
      void handle.exited.then((exit) => {
        if (this.loaded) return;
        const detail = exit.stderrTail.trim().split("\n").slice(-5).join("\n");
        reject(
          new Error(
            `the runner process exited (${exit.signal ?? `code ${exit.code}`}) while loading version ${bundle.version}${detail ? `:\n${detail}` : ""}`,
          ),
        );
      });
    });
    this.ready.catch(() => undefined);
    try {
      handle.send({ type: "load", bundle });
    } catch {
      handle.stop("could not be reached");
    }
  }

  /** Its bundle is loaded: it can take an execution at once. */
  get isLoaded(): boolean {
    return this.loaded;
  }

  attach(listener: (message: FromRunner) => void): void {
    this.listener = listener;
  }
}

/** An execution waiting for a busy runner to be given back (see takeSoon). */
interface Waiter {
  execution?: RunnerExecution;
  handOver(runner: Runner): void;
  refuse(error: Error): void;
}

/**
 * Warm runners of the current version, `size` per machine preset (a container's CPU and memory are fixed when it
 * starts, so an execution can only take a runner of its own machine; launchers without machines use one key).
 */
export class RunnerPool {
  private readonly warm = new Map<string, Set<Runner>>();
  /** Runners taken for an execution and not given back yet, per pool key. */
  private readonly busy = new Map<string, Set<Runner>>();
  private readonly waiters = new Map<string, Waiter[]>();
  /** What runners take to load and executions to run: whether waiting for a busy runner beats starting one. */
  private readonly reuse = new RunnerReuseEstimate();
  private current: RunnerBundle | undefined;
  private machines: (string | undefined)[] = [undefined];
  private readonly everyRunner = new Set<Runner>();
  private closed = false;
  private generation = 0;

  constructor(
    private readonly launcher: RunnerLauncher,
    private readonly size: number,
  ) {}

  /** Starts a runner for `bundle` (not pooled: the caller owns it). */
  start(bundle: RunnerBundle, execution?: RunnerExecution, machine?: string): Runner {
    const startedAt = performance.now();
    const runner = new Runner(this.launcher.launch({ bundle, execution, machine }), bundle, machine);
    runner.generation = this.generation;
    this.everyRunner.add(runner);
    runner.ready.then(
      () => this.reuse.recordLoad(performance.now() - startedAt),
      () => undefined,
    );
    void runner.handle.exited.then(() => {
      this.everyRunner.delete(runner);
      this.busy.get(poolKey(runner.bundle.version, runner.machine))?.delete(runner);
    });
    return runner;
  }

  /**
   * New runs start on `bundle` from now on: keep runners of it warm (for each of `machines`, when given), stop the
   * others' — runners of another version, or of a machine no longer wanted.
   */
  setCurrent(bundle: RunnerBundle, alreadyLoaded?: Runner, machines?: (string | undefined)[]): void {
    this.current = bundle;
    if (machines) this.machines = [...new Set(machines)];
    const wanted = new Set(this.machines.map((machine) => poolKey(bundle.version, machine)));
    for (const [key, runners] of this.warm) {
      if (wanted.has(key)) continue;
      for (const runner of runners) runner.handle.stop("its version is no longer current");
      this.warm.delete(key);
    }
    if (alreadyLoaded && wanted.has(poolKey(bundle.version, alreadyLoaded.machine))) this.keep(alreadyLoaded);
    else alreadyLoaded?.handle.stop("the pool does not keep its machine");
    // The same version activated again (a rebuild of unchanged code) brings a runner of its own: keep the newest.
    for (const runners of this.warm.values()) {
      for (const runner of runners) {
        if (runners.size <= this.size) break;
        runners.delete(runner);
        runner.handle.stop("the pool is full");
      }
    }
    this.fill();
  }

  /**
   * A runner for `bundle`: a warm one of `machine` when there is one (it serves this execution only), else a new one
   * (loading) started for `execution`.
   */
  take(bundle: RunnerBundle, execution?: RunnerExecution, machine?: string, refill = true): Runner {
    const runner = this.takeWarm(poolKey(bundle.version, machine), execution);
    if (refill) this.fill();
    return this.markBusy(runner ?? this.start(bundle, execution, machine));
  }

  /**
   * A warm runner of `key` for `execution`, if one waits: a loaded one, the last to join first (a process kept alive
   * that just served an execution is the warmest); else the one started first, the nearest to loaded.
   */
  private takeWarm(key: string, execution: RunnerExecution | undefined): Runner | undefined {
    const runners = this.warm.get(key);
    const waiting = runners ? [...runners] : [];
    const runner = waiting.filter((r) => r.isLoaded).at(-1) ?? waiting[0];
    if (!runner) return undefined;
    runners!.delete(runner);
    runner.warm = true;
    if (execution) runner.handle.assign?.(execution);
    return runner;
  }

  /**
   * Like take, for runners kept alive between executions: when no warm runner waits but a busy one is expected back
   * sooner than a new one would load (see RunnerReuseEstimate), waits for it, at most a load's time, then starts one.
   * Rejects with the signal's reason if it aborts while waiting.
   */
  async takeSoon(
    bundle: RunnerBundle,
    execution?: RunnerExecution,
    machine?: string,
    signal?: AbortSignal,
  ): Promise<Runner> {
    const key = poolKey(bundle.version, machine);
    const line = this.waiters.get(key) ?? [];
    const busy = this.busy.get(key)?.size ?? 0;
    const holdMs = this.closed ? 0 : this.reuse.holdMs(line.length, busy);
    // Runners at work come back to the pool when their execution ends and stand in for the runner taken now, so the
    // pool is refilled only when none is at work: an execution that cannot wait starts one process, for itself.
    const refill = busy === 0;
    // A loaded runner waits: take it.
    if ([...(this.warm.get(key) ?? [])].some((runner) => runner.isLoaded))
      return this.take(bundle, execution, machine, refill);
    if (holdMs === 0) return this.take(bundle, execution, machine, refill);
    const handed = await new Promise<Runner | undefined>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const at = line.indexOf(waiter);
        if (at >= 0) line.splice(at, 1);
      };
      const waiter: Waiter = {
        execution,
        handOver: (runner) => {
          leave();
          resolve(runner);
        },
        refuse: (error) => {
          leave();
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        leave();
        resolve(undefined);
      }, holdMs);
      const onAbort = () => {
        leave();
        reject(signal!.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      line.push(waiter);
      this.waiters.set(key, line);
    });
    return handed ?? this.take(bundle, execution, machine, (this.busy.get(key)?.size ?? 0) === 0);
  }

  /**
   * A runner whose execution ended cleanly, offered back for the next one (`processKeepAlive`): handed to an execution
   * waiting for one (takeSoon), else kept while it runs the current version, on a machine the pool keeps, started
   * since the last drain, and fewer than `maxIdle` runners wait; stopped otherwise.
   */
  giveBack(runner: Runner, maxIdle: number): void {
    const key = poolKey(runner.bundle.version, runner.machine);
    this.busy.get(key)?.delete(runner);
    // What the execution kept it busy, not the load it may have waited for first.
    this.reuse.recordExecution(performance.now() - Math.max(runner.takenAt, runner.loadedAt));
    const current = this.current?.version === runner.bundle.version;
    const wanted = this.isWanted(runner);
    // An execution of its version waits for a runner: it goes there first (waiters are of the runner's own version).
    const waiter = !this.closed && wanted ? this.waiters.get(key)?.shift() : undefined;
    if (waiter) {
      runner.attach(() => undefined);
      runner.warm = true;
      if (waiter.execution) runner.handle.assign?.(waiter.execution);
      waiter.handOver(this.markBusy(runner));
      return;
    }
    const idle = this.warm.get(key)?.size ?? 0;
    if (this.closed || !current || !wanted || idle >= Math.max(maxIdle, this.size)) {
      this.retire(runner, "its execution ended");
      return;
    }
    runner.attach(() => undefined);
    this.keep(runner);
  }

  /**
   * A runner kept alive was taken for its last execution (maxExecutionsPerProcess): its successor starts loading now
   * and waits in the pool, so that the executions in line when it retires do not all wait for a load. Runners at work
   * reach their limit together (they share the executions), and waiting for both successors used to outlast the
   * executions' hold (see takeSoon), each of which then started a process.
   */
  prepareSuccessor(runner: Runner): void {
    if (this.closed || !this.isWanted(runner) || this.current?.version !== runner.bundle.version) return;
    // A runner already waiting in the pool stands in for it.
    if ((this.warm.get(poolKey(runner.bundle.version, runner.machine))?.size ?? 0) > 0) return;
    this.keep(this.start(runner.bundle, undefined, runner.machine));
  }

  /**
   * Stops a runner whose execution ended and that serves no other. An execution waiting for a runner of its version
   * (see takeSoon) gets a warm one (its successor) or a new one at once rather than at the end of its wait.
   */
  retire(runner: Runner, reason: string): void {
    const key = poolKey(runner.bundle.version, runner.machine);
    this.busy.get(key)?.delete(runner);
    runner.handle.stop(reason);
    const waiter = this.closed ? undefined : this.waiters.get(key)?.shift();
    if (!waiter) return;
    const successor = this.takeWarm(key, waiter.execution);
    waiter.handOver(this.markBusy(successor ?? this.start(runner.bundle, waiter.execution, runner.machine)));
  }

  /** Replaces the warm runners with new ones (what they were started with is out of date: the environment's variables). */
  drain(reason: string): void {
    this.generation++;
    for (const runners of this.warm.values()) for (const runner of runners) runner.handle.stop(reason);
    this.warm.clear();
    this.fill();
  }

  /** Stops every runner it started, warm or taken; resolves once all are gone. */
  close(): Promise<void> {
    this.closed = true;
    this.warm.clear();
    for (const line of this.waiters.values())
      for (const waiter of [...line]) waiter.refuse(new Error("the executor closed"));
    const runners = [...this.everyRunner];
    for (const runner of runners) runner.handle.stop("the executor closed");
    return Promise.all(runners.map((runner) => runner.handle.exited)).then(() => undefined);
  }

  /** On a machine the pool keeps, and started since the last drain: fit to serve the pool's next executions. */
  private isWanted(runner: Runner): boolean {
    return this.machines.includes(runner.machine) && runner.generation === this.generation;
  }

  private fill(): void {
    const bundle = this.current;
    if (!bundle || this.closed) return;
    for (const machine of this.machines) {
      const runners = this.warm.get(poolKey(bundle.version, machine));
      for (let i = runners?.size ?? 0; i < this.size; i++) this.keep(this.start(bundle, undefined, machine));
    }
  }

  private markBusy(runner: Runner): Runner {
    runnersOf(this.busy, runner).add(runner);
    runner.takenAt = performance.now();
    return runner;
  }

  private keep(runner: Runner): void {
    const runners = runnersOf(this.warm, runner);
    runners.add(runner);
    // A warm runner that dies or fails to load leaves the pool (it is not restarted: a broken bundle must not loop).
    const drop = () => runners.delete(runner);
    runner.ready.catch(drop);
    void runner.handle.exited.then(drop);
  }
}

/** The set of `byKey` for the runner's bundle version and machine, created when missing. */
function runnersOf(byKey: Map<string, Set<Runner>>, runner: Runner): Set<Runner> {
  const key = poolKey(runner.bundle.version, runner.machine);
  let runners = byKey.get(key);
  if (!runners) byKey.set(key, (runners = new Set()));
  return runners;
}

function poolKey(version: string, machine: string | undefined): string {
  return `${version}\u0000${machine ?? ""}`;
}
