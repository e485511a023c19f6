/**
 * The deployed versions of one environment on this server: fetched from the webapp the first time a run needs one,
 * written to a BundleStore folder (kept across restarts, pruned after 30 days unused), and handed to the runner
 * executor with the manifest the deployment recorded (no runner has to load a version just to learn its tasks).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { BundleStore, type BundleManifest, type ManifestTask, type RunnerBundle } from "@stint/temporal-workers";
import type { DeploymentBundleWire, WorkerApi } from "./worker-api.js";

/** A task as a deployment declares it: with its queue and machine preset. */
export type DeployedTask = ManifestTask & { queue?: string; machine?: string };

export interface LoadedVersion {
  bundle: RunnerBundle;
  manifest: BundleManifest;
}

export class DeploymentVersions {
  readonly store: BundleStore;
  private readonly fetching = new Map<string, Promise<LoadedVersion>>();

  constructor(
    private readonly api: WorkerApi,
    readonly environmentId: string,
    root: string,
  ) {
    this.store = new BundleStore(root);
    this.store.prune();
  }

  /** Versions already on disk (from an earlier start). */
  stored(): LoadedVersion[] {
    return this.store.list().map(({ bundle, manifest }) => ({ bundle, manifest }));
  }

  /** The version, fetched once however many executions ask for it at the same time. */
  fetch(version: string): Promise<LoadedVersion> {
    let pending = this.fetching.get(version);
    if (!pending) {
      pending = this.download(version).finally(() => this.fetching.delete(version));
      this.fetching.set(version, pending);
    }
    return pending;
  }

  private async download(version: string): Promise<LoadedVersion> {
    const wire = await this.api.bundle(this.environmentId, version);
    const dir = this.store.dir(version);
    // Written aside and renamed into place: a crash mid-way never leaves a version that looks complete.
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    for (const file of wire.files) {
      const target = resolve(partial, file.path);
      if (relative(partial, target).startsWith(".."))
        throw new Error(`deployment ${version}: file ${file.path} points outside its folder`);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
    const bundle: RunnerBundle = {
      version,
      entries: wire.entries.map((entry) => ({ file: join(dir, entry.file), source: entry.source })),
      ...(wire.configFile ? { configFile: join(dir, wire.configFile) } : {}),
    };
    const manifest = manifestOf(version, wire.manifest);
    this.store.saveBundle(bundle);
    this.store.saveManifest(manifest);
    return { bundle, manifest };
  }
}

/** The runner executor's manifest from the one `stint deploy` recorded (machine presets included). */
function manifestOf(version: string, deployed: DeploymentBundleWire["manifest"]): BundleManifest {
  return {
    version,
    tasks: deployed.tasks.map(
      (task): DeployedTask => ({
        id: task.id,
        filePath: task.filePath,
        exportName: task.exportName,
        maxDuration: task.maxDuration,
        retry: task.retry ?? {},
        schedule: task.schedule,
        queue: task.queue?.name,
        machine: task.machine?.preset,
      }),
    ),
    queues: deployed.queues,
    maxDuration: deployed.maxDuration,
    ...(deployed.network ? { network: deployed.network } : {}),
  };
}
