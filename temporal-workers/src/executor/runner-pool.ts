/**
 * Runners that have loaded a bundle version, ready to take an attempt at once: starting Node and importing the
 * project costs hundreds of milliseconds, so the pool keeps a few started for the version new runs start on.
 */
import { fromRunnerSchema, type BundleManifest, type FromRunner, type RunnerBundle } from "./runner-protocol.js";
import type { RunnerHandle, RunnerLaunchSpec, RunnerLauncher } from "./runner-transport.js";

/** One runner process and the bundle it loads; its messages after loading go to the execution attached to it. */
export class Runner {
  /** Resolves with the bundle's manifest once loaded; rejects if loading failed or the process died first. */
  readonly ready: Promise<BundleManifest>;
  private listener: ((message: FromRunner) => void) | undefined;
  private loaded = false;

  constructor(
    readonly handle: RunnerHandle,
    readonly bundle: RunnerBundle,
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
        reject(new Error(`the runner process exited (${exit.signal ?? `code ${exit.code}`}) while loading version ${bundle.version}${detail ? `:\n${detail}` : ""}`));
      });
    });
    this.ready.catch(() => undefined);
    try {
      handle.send({ type: "load", bundle });
    } catch {
      handle.stop("could not be reached");
    }
  }

  attach(listener: (message: FromRunner) => void): void {
    this.listener = listener;
  }
}

export class RunnerPool {
  private readonly warm = new Map<string, Set<Runner>>();
  private current: RunnerBundle | undefined;
  private closed = false;

  constructor(
    private readonly launcher: RunnerLauncher,
    private readonly size: number,
  ) {}

  /** Starts a runner for `bundle` (not pooled: the caller owns it). */
  start(bundle: RunnerBundle, execution?: RunnerLaunchSpec["execution"]): Runner {
    return new Runner(this.launcher.launch({ bundle, execution }), bundle);
  }

  /** New runs start on `bundle` from now on: keep runners of it warm, stop the others'. */
  setCurrent(bundle: RunnerBundle, alreadyLoaded?: Runner): void {
    this.current = bundle;
    for (const [version, runners] of this.warm) {
      if (version === bundle.version) continue;
      for (const runner of runners) runner.handle.stop("its version is no longer current");
      this.warm.delete(version);
    }
    if (alreadyLoaded) this.keep(alreadyLoaded);
    // The same version activated again (a rebuild of unchanged code) brings a runner of its own: keep the newest.
    const runners = this.warm.get(bundle.version);
    for (const runner of runners ?? []) {
      if (runners!.size <= this.size) break;
      runners!.delete(runner);
      runner.handle.stop("the pool is full");
    }
    this.fill();
  }

  /** A runner for `bundle`: a warm one when there is one, else a new one (loading) started for `execution`. */
  take(bundle: RunnerBundle, execution?: RunnerLaunchSpec["execution"]): Runner {
    const runners = this.warm.get(bundle.version);
    const runner = runners?.values().next().value as Runner | undefined;
    if (runner) runners!.delete(runner);
    this.fill();
    return runner ?? this.start(bundle, execution);
  }

  close(): void {
    this.closed = true;
    for (const runners of this.warm.values()) for (const runner of runners) runner.handle.stop("the executor closed");
    this.warm.clear();
  }

  private fill(): void {
    const bundle = this.current;
    if (!bundle || this.closed) return;
    const runners = this.warm.get(bundle.version);
    for (let i = runners?.size ?? 0; i < this.size; i++) this.keep(this.start(bundle));
  }

  private keep(runner: Runner): void {
    const version = runner.bundle.version;
    let runners = this.warm.get(version);
    if (!runners) this.warm.set(version, (runners = new Set()));
    runners.add(runner);
    // A warm runner that dies or fails to load leaves the pool (it is not restarted: a broken bundle must not loop).
    const drop = () => runners!.delete(runner);
    runner.ready.catch(drop);
    void runner.handle.exited.then(drop);
  }
}
