/**
 * Bundle versions on disk, one folder each (`<root>/<version>/`): the build's files, `bundle.json` (what a runner
 * imports) and `manifest.json` (its tasks, once a runner has loaded it). Earlier versions are kept while runs may
 * still be locked to them — a run suspended for days resumes on the code it started on — and pruned after a while
 * without use. `stint dev` keeps its builds here; a worker server keeps the deployed versions it runs the same way.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BundleManifest, RunnerBundle } from "./runner-protocol.js";

const BUNDLE_FILE = "bundle.json";
const MANIFEST_FILE = "manifest.json";
/** A version nobody used for this long goes: runs suspended longer than that replay on the current code. */
export const VERSION_RETENTION_MS = 30 * 24 * 3600 * 1000;

export interface StoredVersion {
  bundle: RunnerBundle;
  manifest: BundleManifest;
  /** When a run last executed on it, or it last became current (ms since the epoch). */
  usedAt: number;
}

export class BundleStore {
  /** When this process last marked each version as used (ms since the epoch). */
  private readonly touchedAt = new Map<string, number>();

  /** The store owns `root`: pruning removes whatever in it is not a version. */
  constructor(
    readonly root: string,
    private readonly retentionMs = VERSION_RETENTION_MS,
  ) {}

  /** Where a version's files go: its bundle's entries point into this folder. */
  dir(version: string): string {
    return join(this.root, version);
  }

  /** Whether a complete build of this version is here. */
  has(version: string): boolean {
    return existsSync(join(this.dir(version), BUNDLE_FILE));
  }

  /** Records a version whose files are in dir(bundle.version). */
  saveBundle(bundle: RunnerBundle): void {
    writeFileSync(join(this.dir(bundle.version), BUNDLE_FILE), JSON.stringify(bundle, null, 2));
  }

  /** Records what a runner found in a version: from now on it is listed, so runs locked to it can resume on it. */
  saveManifest(manifest: BundleManifest): void {
    writeFileSync(join(this.dir(manifest.version), MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  }

  /**
   * Marks a version as used now (it became current, or a run of it executed). `unlessWithinMs`: skipped if this
   * process marked it that recently — an execution's mark only keeps the version from being pruned after days, and a
   * file-system call per execution showed in a batch's profile.
   */
  touch(version: string, unlessWithinMs = 0): void {
    const now = new Date();
    if (now.getTime() - (this.touchedAt.get(version) ?? Number.NEGATIVE_INFINITY) < unlessWithinMs) return;
    this.touchedAt.set(version, now.getTime());
    try {
      utimesSync(this.dir(version), now, now);
    } catch {
      // Gone: nothing to keep.
    }
  }

  /** Every complete version (built and loaded once), most recently used first. */
  list(): StoredVersion[] {
    if (!existsSync(this.root)) return [];
    const versions: StoredVersion[] = [];
    for (const name of readdirSync(this.root)) {
      const dir = join(this.root, name);
      try {
        const bundle = JSON.parse(readFileSync(join(dir, BUNDLE_FILE), "utf8")) as RunnerBundle;
        const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), "utf8")) as BundleManifest;
        versions.push({ bundle, manifest, usedAt: statSync(dir).mtimeMs });
      } catch {
        // Not a version (an interrupted build, a version that never loaded): skipped.
      }
    }
    return versions.sort((a, b) => b.usedAt - a.usedAt);
  }

  /** Removes versions unused for the retention period and everything that is not a version (interrupted builds). */
  prune(): void {
    if (!existsSync(this.root)) return;
    const cutoff = Date.now() - this.retentionMs;
    for (const name of readdirSync(this.root)) {
      const dir = join(this.root, name);
      if (!this.has(name) || statSync(dir).mtimeMs < cutoff) rmSync(dir, { recursive: true, force: true });
    }
  }
}
