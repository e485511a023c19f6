/**
 * Bundle versions on disk (`.stint/build/<version>/`): each holds a build's files, `bundle.json` (what a runner
 * imports) and `manifest.json` (its tasks, once a runner has loaded it). Earlier versions are kept while runs may
 * still be locked to them — a run suspended for days resumes on the code it started on — and pruned after a while
 * without use.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BundleManifest, RunnerBundle } from "@stint/temporal-workers";

export const BUNDLE_FILE = "bundle.json";
const MANIFEST_FILE = "manifest.json";
/** A version nobody used for this long goes: runs suspended longer than that replay on the current code. */
export const VERSION_RETENTION_MS = 30 * 24 * 3600 * 1000;

export const versionDir = (buildRoot: string, version: string) => join(buildRoot, version);

export function writeManifest(buildRoot: string, manifest: BundleManifest): void {
  writeFileSync(join(versionDir(buildRoot, manifest.version), MANIFEST_FILE), JSON.stringify(manifest, null, 2));
}

/** Marks a version as used now (it became current, or a run of it executed). */
export function touchVersion(buildRoot: string, version: string): void {
  const now = new Date();
  try {
    utimesSync(versionDir(buildRoot, version), now, now);
  } catch {
    // Gone: nothing to keep.
  }
}

/** Every complete version on disk (built and loaded once), newest use first. */
export function readVersions(buildRoot: string): Array<{ bundle: RunnerBundle; manifest: BundleManifest; usedAt: number }> {
  if (!existsSync(buildRoot)) return [];
  const versions = [];
  for (const name of readdirSync(buildRoot)) {
    const dir = join(buildRoot, name);
    try {
      const bundle = JSON.parse(readFileSync(join(dir, BUNDLE_FILE), "utf8")) as RunnerBundle;
      const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), "utf8")) as BundleManifest;
      versions.push({ bundle, manifest, usedAt: statSync(dir).mtimeMs });
    } catch {
      // Not a version (config builds, an interrupted build): skipped.
    }
  }
  return versions.sort((a, b) => b.usedAt - a.usedAt);
}

/** Removes versions unused for VERSION_RETENTION_MS and leftovers of interrupted builds. */
export function pruneVersions(buildRoot: string): void {
  if (!existsSync(buildRoot)) return;
  const cutoff = Date.now() - VERSION_RETENTION_MS;
  for (const name of readdirSync(buildRoot)) {
    const dir = join(buildRoot, name);
    const stale = name.startsWith("staging-") || name === "config" || (existsSync(join(dir, BUNDLE_FILE)) && statSync(dir).mtimeMs < cutoff);
    if (stale) rmSync(dir, { recursive: true, force: true });
  }
}
